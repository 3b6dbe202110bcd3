"""nn.utils.spectral_norm / remove_spectral_norm: weight = weight_orig / sigma, with sigma
the largest singular value of weight_orig (as a matrix over `dim`), estimated by power
iteration on the vectors weight_u and weight_v (buffers), which advance
n_power_iterations steps per forward in training mode (Miyato et al.), as in PyTorch."""
from deepseek import _C
from deepseek.autograd.grad_mode import no_grad
from deepseek.nn.parameter import Parameter

__all__ = ["spectral_norm", "remove_spectral_norm"]


def _normalize(x, eps):
    return x / _C.clamp(_C.norm(x, 2.0, None, False), eps, None)


class _SpectralNorm:
    def __init__(self, name, n_power_iterations, dim, eps):
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.name, self.n_power_iterations, self.dim, self.eps = (name, n_power_iterations,
                                                                  dim, eps)

    def matrix(self, weight):
        if self.dim != 0:
            order = [self.dim] + [d for d in range(weight.dim()) if d != self.dim]
            weight = weight.permute(order)
        return weight.reshape(weight.shape[0], -1)

    def compute_weight(self, module, do_power_iteration):
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        mat = self.matrix(weight)
        if do_power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    v.copy_(_normalize(mat.t() @ u, self.eps))
                    u.copy_(_normalize(mat @ v, self.eps))
                u, v = u.clone(), v.clone()  # saved for backward: later steps must not alter
        sigma = _C.dot(u, mat @ v)
        return weight / sigma

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module, module.training))


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    for hook in module._forward_pre_hooks.values():
        if isinstance(hook, _SpectralNorm) and hook.name == name:
            raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter "
                               f"{name}")
    if dim is None:
        from deepseek.nn.modules.conv import _ConvNd
        dim = 1 if isinstance(module, _ConvNd) and module.transposed else 0
    fn = _SpectralNorm(name, n_power_iterations, dim, eps)
    weight = module._parameters[name]
    with no_grad():
        mat = fn.matrix(weight)
        h, w = mat.shape
        from deepseek._factories import empty
        u = _normalize(empty(h, dtype=weight.dtype, device=weight.device).normal_(0, 1), eps)
        v = _normalize(empty(w, dtype=weight.dtype, device=weight.device).normal_(0, 1), eps)
    del module._parameters[name]
    module.register_parameter(name + "_orig", weight)
    setattr(module, name, weight.detach())
    module.register_buffer(name + "_u", u)
    module.register_buffer(name + "_v", v)
    module.register_forward_pre_hook(fn)
    return module


def remove_spectral_norm(module, name="weight"):
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, _SpectralNorm) and hook.name == name:
            with no_grad():
                weight = hook.compute_weight(module, False).detach()
            delattr(module, name)
            del module._parameters[name + "_orig"]
            del module._buffers[name + "_u"]
            del module._buffers[name + "_v"]
            module.register_parameter(name, Parameter(weight))
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}")

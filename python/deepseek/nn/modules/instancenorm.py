"""InstanceNorm1d/2d: each (sample, channel) normalized over its positions; optional affine
parameters and running statistics (PyTorch's defaults: neither)."""
from deepseek import _C
from deepseek.nn import functional as F
from deepseek.nn import init
from deepseek.nn.modules.module import Module
from deepseek.nn.parameter import Parameter


class _InstanceNorm(Module):
    _dims = 0

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, device=None, dtype=None):
        super().__init__()
        if isinstance(device, str):
            device = _C.device(device)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(_C._empty([num_features], dtype, device, False))
            self.bias = Parameter(_C._empty([num_features], dtype, device, False))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", _C._zeros([num_features], dtype, device,
                                                           False))
            self.register_buffer("running_var", _C._ones([num_features], dtype, device, False))
            self.register_buffer("num_batches_tracked", _C._zeros([], _C.int64, device, False))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()
        if self.affine:
            init.ones_(self.weight)
            init.zeros_(self.bias)

    def forward(self, input):
        if input.dim() not in (self._dims + 1, self._dims + 2):
            raise ValueError(f"expected {self._dims + 1}D or {self._dims + 2}D input (got "
                             f"{input.dim()}D input)")
        batched = input.dim() == self._dims + 2
        x = input if batched else input.unsqueeze(0)
        use_input_stats = self.training or not self.track_running_stats
        update = self.training and self.track_running_stats
        if update:
            self.num_batches_tracked.add_(1)
        if use_input_stats:
            out = F.instance_norm(x, self.running_mean if update else None,
                                  self.running_var if update else None, self.weight, self.bias,
                                  True, self.momentum, self.eps)
        else:
            out = F.instance_norm(x, self.running_mean, self.running_var, self.weight,
                                  self.bias, False, self.momentum, self.eps)
        return out if batched else out.squeeze(0)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    _dims = 1


class InstanceNorm2d(_InstanceNorm):
    _dims = 2

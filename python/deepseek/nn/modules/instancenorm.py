"""InstanceNorm1d/2d: each (sample, channel) normalized over its positions; optional affine
parameters and running statistics (PyTorch's defaults: neither). The parameters, buffers,
init and repr are batch norm's (_NormBase), as in PyTorch."""
from deepseek.nn import functional as F
from deepseek.nn.modules.batchnorm import _NormBase


class _InstanceNorm(_NormBase):
    _dims = 0

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, device=None, dtype=None):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype)

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


class InstanceNorm1d(_InstanceNorm):
    _dims = 1


class InstanceNorm2d(_InstanceNorm):
    _dims = 2

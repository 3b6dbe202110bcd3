"""nn.utils: gradient clipping, parameter/vector conversion, packed sequences (rnn), weight
and spectral normalization."""
from deepseek.nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_  # noqa: F401
from deepseek.nn.utils.convert_parameters import (  # noqa: F401
    parameters_to_vector, vector_to_parameters,
)
from deepseek.nn.utils import rnn  # noqa: F401
from deepseek.nn.utils.weight_norm import weight_norm, remove_weight_norm  # noqa: F401
from deepseek.nn.utils.spectral_norm import spectral_norm, remove_spectral_norm  # noqa: F401


def skip_init(module_cls, *args, **kwargs):
    """module_cls(*args, **kwargs) with its parameters left as allocated (uninitialised):
    built normally, then given fresh memory."""
    device = kwargs.get("device", "cpu") or "cpu"
    return module_cls(*args, **kwargs).to_empty(device=device)

"""deepseek.utils: data loading (utils.data), hook handles (utils.hooks) and activation
checkpointing (utils.checkpoint)."""
from deepseek.utils import checkpoint, data, hooks  # noqa: F401

"""deepseek.utils: data loading (utils.data) and hook handles (utils.hooks)."""
from deepseek.utils import data, hooks  # noqa: F401

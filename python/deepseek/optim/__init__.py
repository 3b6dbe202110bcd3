"""deepseek.optim: optimizers (param_groups of dicts, fused C++ update steps) and schedulers."""
from deepseek.optim.optimizer import Optimizer  # noqa: F401
from deepseek.optim.sgd import SGD  # noqa: F401
from deepseek.optim.adam import Adam, AdamW  # noqa: F401
from deepseek.optim.rmsprop import RMSprop  # noqa: F401
from deepseek.optim.adagrad import Adagrad  # noqa: F401
from deepseek.optim import lr_scheduler  # noqa: F401

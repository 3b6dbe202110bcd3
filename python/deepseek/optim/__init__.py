"""deepseek.optim: optimizers (param_groups of dicts) and schedulers.

SGD, Adam, AdamW, RMSprop and Adagrad step with fused C++ multi-tensor kernels; Adadelta,
Adamax, NAdam, RAdam, Rprop, ASGD and LBFGS are written in deepseek tensor ops (same results,
more kernel launches per step)."""
from deepseek.optim.optimizer import Optimizer  # noqa: F401
from deepseek.optim.sgd import SGD  # noqa: F401
from deepseek.optim.adam import Adam, AdamW  # noqa: F401
from deepseek.optim.rmsprop import RMSprop  # noqa: F401
from deepseek.optim.adagrad import Adagrad  # noqa: F401
from deepseek.optim.adadelta import Adadelta  # noqa: F401
from deepseek.optim.adamax import Adamax  # noqa: F401
from deepseek.optim.nadam import NAdam  # noqa: F401
from deepseek.optim.radam import RAdam  # noqa: F401
from deepseek.optim.lbfgs import LBFGS  # noqa: F401
from deepseek.optim.rprop import Rprop  # noqa: F401
from deepseek.optim.asgd import ASGD  # noqa: F401
from deepseek.optim import lr_scheduler  # noqa: F401

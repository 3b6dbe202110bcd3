"""deepseek.distributions: torch.distributions' Normal, Uniform, Bernoulli and Categorical,
with sample/rsample, log_prob, entropy, mean/variance and kl_divergence."""
from deepseek.distributions.distribution import Distribution  # noqa: F401
from deepseek.distributions.normal import Normal  # noqa: F401
from deepseek.distributions.uniform import Uniform  # noqa: F401
from deepseek.distributions.bernoulli import Bernoulli  # noqa: F401
from deepseek.distributions.categorical import Categorical  # noqa: F401
from deepseek.distributions.kl import kl_divergence, register_kl  # noqa: F401

__all__ = ["Distribution", "Normal", "Uniform", "Bernoulli", "Categorical", "kl_divergence",
           "register_kl"]

"""kl_divergence(p, q) for the pairs PyTorch registers among the distributions here, and
register_kl for more."""
from deepseek import _C

_KL = {}


def register_kl(type_p, type_q):
    def decorate(fn):
        _KL[(type_p, type_q)] = fn
        return fn
    return decorate


def kl_divergence(p, q):
    for (tp, tq), fn in _KL.items():
        if isinstance(p, tp) and isinstance(q, tq):
            return fn(p, q)
    raise NotImplementedError(f"No KL(p || q) is implemented for p = {type(p).__name__}, "
                              f"q = {type(q).__name__}")


def _register_builtin():
    from deepseek.distributions.bernoulli import Bernoulli
    from deepseek.distributions.categorical import Categorical
    from deepseek.distributions.normal import Normal
    from deepseek.distributions.uniform import Uniform

    @register_kl(Normal, Normal)
    def _normal_normal(p, q):
        var_ratio = (p.scale / q.scale) ** 2
        t1 = ((p.loc - q.loc) / q.scale) ** 2
        return 0.5 * (var_ratio + t1 - 1 - _C.log(var_ratio))

    @register_kl(Categorical, Categorical)
    def _categorical_categorical(p, q):
        t = p.probs * (p.logits - q.logits)
        t = t.masked_fill(q.probs == 0, float("inf")).masked_fill(p.probs == 0, 0)
        return t.sum(-1)

    @register_kl(Bernoulli, Bernoulli)
    def _bernoulli_bernoulli(p, q):
        from deepseek.nn.functional import softplus
        t1 = p.probs * (softplus(-q.logits) - softplus(-p.logits))
        t1 = t1.masked_fill(q.probs == 0, float("inf")).masked_fill(p.probs == 0, 0)
        t2 = (1 - p.probs) * (softplus(q.logits) - softplus(p.logits))
        t2 = t2.masked_fill(q.probs == 1, float("inf")).masked_fill(p.probs == 1, 0)
        return t1 + t2

    @register_kl(Uniform, Uniform)
    def _uniform_uniform(p, q):
        result = _C.log((q.high - q.low) / (p.high - p.low))
        return result.masked_fill((q.low > p.low) | (q.high < p.high), float("inf"))


_register_builtin()

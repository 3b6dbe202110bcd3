"""L-BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., algorithms 7.4 and 7.5), with
an optional strong-Wolfe line search (algorithms 3.5 and 3.6 with cubic interpolation),
following the semantics of torch.optim.LBFGS: the same options, defaults, stopping rules,
state across step() calls, and the same sequence of closure evaluations.

Every parameter is viewed as one flat vector; the step runs on deepseek tensor ops (it is
not a fused kernel) and reads the scalars it branches on (curvature, directional
derivatives, losses) on the host, in float64.
"""
import math

from deepseek import _C
from deepseek._factories import zeros
from deepseek.autograd.grad_mode import enable_grad, no_grad
from deepseek.optim.optimizer import Optimizer


class LBFGS(Optimizer):
    """torch.optim.LBFGS(params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
    tolerance_change=1e-9, history_size=100, line_search_fn=None).

    step(closure) runs up to max_iter iterations (max_eval closure evaluations, default
    max_iter * 5 // 4) and returns the closure's first loss. The closure must zero the
    gradients, compute the loss, call backward() and return the loss. All parameters form one
    group (per-parameter options are not supported, as in torch). line_search_fn is None
    (fixed step lr, the first iteration scaled by min(1, 1 / |g|_1)) or "strong_wolfe".
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, history_size=100, line_search_fn=None):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if line_search_fn not in (None, "strong_wolfe"):
            raise RuntimeError("only 'strong_wolfe' is supported")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                                      tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change,
                                      history_size=history_size, line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    # ---- the parameters as one flat vector

    def _flat_grad(self):
        parts = [zeros(p.numel(), dtype=p.dtype, device=p.device) if p.grad is None
                 else p.grad.reshape(-1) for p in self._params]
        return _C.cat(parts, 0) if len(parts) > 1 else parts[0].clone()

    def _move(self, step_size, direction):
        """params += step_size * direction."""
        offset = 0
        for p in self._params:
            n = p.numel()
            p.add_(direction[offset:offset + n].view_as(p), alpha=step_size)
            offset += n

    def _evaluate_at(self, closure, origin, step_size, direction):
        """Loss and flat gradient at origin + step_size * direction; the params are put back
        to origin afterwards."""
        self._move(step_size, direction)
        with enable_grad():
            loss = float(closure())
        grad = self._flat_grad()
        for p, saved in zip(self._params, origin):
            p.copy_(saved)
        return loss, grad

    # ---- the step

    def step(self, closure=None):
        if closure is None:
            raise RuntimeError("LBFGS.step needs a closure that zeroes the gradients, computes "
                               "the loss, calls backward() and returns the loss")
        with no_grad():
            return self._run(closure)

    def _run(self, closure):
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tol_grad, tol_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        with enable_grad():
            first_loss = closure()
        loss = float(first_loss)
        evals = 1
        state["func_evals"] += 1
        grad = self._flat_grad()
        if _max_abs(grad) <= tol_grad:
            return first_loss

        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps = state.get("old_dirs"), state.get("old_stps")
        ro, h_diag = state.get("ro"), state.get("H_diag")
        prev_grad, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1

            # Direction: steepest descent at the very first iteration, else the two-loop
            # recursion over the kept curvature pairs.
            if state["n_iter"] == 1:
                d = -grad
                old_dirs, old_stps, ro, h_diag = [], [], [], 1.0
            else:
                y = grad - prev_grad
                s = d * t
                ys = float(y.dot(s))
                if ys > 1e-10:  # keep the pair only where the curvature condition holds
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / float(y.dot(y))
                d = _two_loop_direction(grad, old_dirs, old_stps, ro, h_diag)

            prev_grad = grad.clone()
            prev_loss = loss

            t = min(1.0, 1.0 / float(grad.abs().sum())) * lr if state["n_iter"] == 1 else lr
            gtd = float(grad.dot(d))
            if gtd > -tol_change:  # not a descent direction
                break

            if group["line_search_fn"] == "strong_wolfe":
                origin = [p.clone() for p in self._params]

                def evaluate(step_size):
                    return self._evaluate_at(closure, origin, step_size, d)

                loss, grad, t, ls_evals = _strong_wolfe(evaluate, t, d, loss, grad, gtd)
                self._move(t, d)
            else:
                self._move(t, d)
                ls_evals = 0
                if n_iter != max_iter:  # the last iteration needs no new gradient
                    with enable_grad():
                        loss = float(closure())
                    grad = self._flat_grad()
                    ls_evals = 1
            evals += ls_evals
            state["func_evals"] += ls_evals

            if n_iter == max_iter or evals >= max_eval:
                break
            if _max_abs(grad) <= tol_grad:
                break
            if _max_abs(d * t) <= tol_change:
                break
            if abs(loss - prev_loss) < tol_change:
                break

        state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=h_diag,
                     prev_flat_grad=prev_grad, prev_loss=prev_loss)
        return first_loss


def _max_abs(v):
    return float(v.abs().max())


def _two_loop_direction(grad, old_dirs, old_stps, ro, h_diag):
    """-H grad for the L-BFGS inverse-Hessian estimate H (N&W algorithm 7.4)."""
    q = -grad
    alphas = [0.0] * len(old_dirs)
    for i in reversed(range(len(old_dirs))):
        alphas[i] = float(old_stps[i].dot(q)) * ro[i]
        q.add_(old_dirs[i], alpha=-alphas[i])
    r = q * h_diag
    for i in range(len(old_dirs)):
        beta = float(old_dirs[i].dot(r)) * ro[i]
        r.add_(old_stps[i], alpha=alphas[i] - beta)
    return r


def _cubic_minimizer(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped to
    bounds (default: the interval between x1 and x2); the midpoint when the cubic has none."""
    lo, hi = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    try:
        d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
        disc = d1 * d1 - g1 * g2
        if disc < 0:
            return (lo + hi) / 2.0
        d2 = math.sqrt(disc)
        if x1 <= x2:
            x = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            x = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    except ZeroDivisionError:  # degenerate data (equal points or slopes): no cubic to use
        return (lo + hi) / 2.0
    return min(max(x, lo), hi)


class _Point:
    """A trial step along the search direction: step size, loss, flat gradient, slope."""

    __slots__ = ("t", "f", "g", "gtd")

    def __init__(self, t, f, g, gtd):
        self.t, self.f, self.g, self.gtd = t, f, g, gtd


def _strong_wolfe(evaluate, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9,
                  max_ls=25):
    """Finds a step t along d meeting the strong Wolfe conditions
        f(t) <= f(0) + c1 t f'(0)   and   |f'(t)| <= c2 |f'(0)|
    by bracketing (N&W algorithm 3.5) and zooming (algorithm 3.6) with cubic interpolation.
    evaluate(t) -> (loss, flat grad). Returns (loss, grad, t, number of evaluations)."""
    d_norm = _max_abs(d)
    start = _Point(0.0, f, g, gtd)

    def probe(step):
        f_new, g_new = evaluate(step)
        return _Point(step, f_new, g_new, float(g_new.dot(d)))

    new = probe(t)
    evals, ls_iter = 1, 0
    prev = start
    bracket, done = None, False
    # Phase 1: grow the step until an interval is known to hold an acceptable point.
    while ls_iter < max_ls:
        if new.f > f + c1 * new.t * gtd or (ls_iter > 1 and new.f >= prev.f):
            bracket = [prev, new]
            break
        if abs(new.gtd) <= -c2 * gtd:
            bracket, done = [new], True
            break
        if new.gtd >= 0:
            bracket = [prev, new]
            break
        step = _cubic_minimizer(prev.t, prev.f, prev.gtd, new.t, new.f, new.gtd,
                                bounds=(new.t + 0.01 * (new.t - prev.t), new.t * 10))
        prev = new
        new = probe(step)
        evals += 1
        ls_iter += 1
    if ls_iter == max_ls:  # out of evaluations: between the start and the last try
        bracket = [start, new]

    # Phase 2: shrink the interval; `low` is the end with the lower loss.
    low = 0 if bracket[0].f <= bracket[-1].f else 1
    insufficient_progress = False
    while not done and ls_iter < max_ls:
        a, b = bracket
        if abs(b.t - a.t) * d_norm < tolerance_change:
            break
        step = _cubic_minimizer(a.t, a.f, a.gtd, b.t, b.f, b.gtd)
        top, bottom = max(a.t, b.t), min(a.t, b.t)
        margin = 0.1 * (top - bottom)
        if min(top - step, step - bottom) < margin:
            # Too close to an end: move inside, unless the last try already stalled there.
            if insufficient_progress or step >= top or step <= bottom:
                step = top - margin if abs(step - top) < abs(step - bottom) else bottom + margin
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        new = probe(step)
        evals += 1
        ls_iter += 1
        high = 1 - low
        if new.f > f + c1 * new.t * gtd or new.f >= bracket[low].f:
            bracket[high] = new
            low = 0 if bracket[0].f <= bracket[1].f else 1
        else:
            if abs(new.gtd) <= -c2 * gtd:
                done = True
            elif new.gtd * (bracket[high].t - bracket[low].t) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = new

    best = bracket[low]
    return best.f, best.g, best.t, evals

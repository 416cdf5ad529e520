"""RAdam: Adam whose adaptive step is switched on gradually, by a "rectification" factor, once the
variance of the adaptive learning rate is tractable (plain momentum SGD until then).

For each parameter ``p`` with gradient ``g`` at step ``t`` (Liu et al., "On the Variance of the
Adaptive Learning Rate and Beyond", arXiv:1908.03265; torch/optim/radam.py)::

    g = g + weight_decay * p                  (or p = p * (1 - lr * weight_decay), decoupled)
    m = m + (1 - beta1) * (g - m);  v = beta2 * v + (1 - beta2) * g * g
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
    if rho_t > 5:
        r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
        p = p - m / (1 - beta1**t) * lr * sqrt(1 - beta2**t) / (sqrt(v) + eps) * r
    else:
        p = p - m / (1 - beta1**t) * lr

in torch's order of operations (its ``float / tensor`` is ``tensor.reciprocal() * float``), its
``add(alpha=)``, ``addcmul`` and ``lerp`` rounded once (``_fused.py``).
"""
import numpy as np

from ..factories import zeros_like
from .adam import apply_weight_decay, update_moments
from ._arguments import check_betas, check_non_negative
from .optimizer import PARAM, SCALAR, Optimizer


class RAdam(Optimizer):
    """``RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
    differentiable=False)``. ValueError for a negative ``lr``, ``eps`` or ``weight_decay`` or a beta
    outside [0, 1) (torch's messages)."""

    _state_kinds = {"step": SCALAR, "exp_avg": PARAM, "exp_avg_sq": PARAM}
    _compat_options = {"foreach": None, "maximize": False, "differentiable": False,
                       "decoupled_weight_decay": False, "capturable": False}

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_non_negative(lr=lr, eps=eps)
        check_betas(betas)
        check_non_negative(weight_decay=weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _update(self, p, grad, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = self._new_step()
            state["exp_avg"] = zeros_like(p)
            state["exp_avg_sq"] = zeros_like(p)
        lr, (beta1, beta2), eps, weight_decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        x, m, v = p._data, state["exp_avg"]._data, state["exp_avg_sq"]._data
        g = -grad if group["maximize"] else grad
        step = self._advance_step(state)
        g = apply_weight_decay(x, g, lr, weight_decay, group["decoupled_weight_decay"])
        update_moments(m, v, g, beta1, beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        bias_corrected_exp_avg = m / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            denom = np.sqrt(v)
            denom += eps
            adaptive_lr = (1 / denom) * (bias_correction2 ** 0.5)
            x -= bias_corrected_exp_avg * lr * adaptive_lr * rect
        else:
            x -= bias_corrected_exp_avg * lr

"""Adamax: Adam with the infinity norm -- the running second moment is replaced by a decaying
maximum of ``|g|``, so no square root is taken.

For each parameter ``p`` with gradient ``g`` at step ``t`` (Kingma and Ba, "Adam: A Method for
Stochastic Optimization", arXiv:1412.6980, section 7; torch/optim/adamax.py)::

    g = g + weight_decay * p
    m = m + (1 - beta1) * (g - m)               (m.lerp_(g, 1 - beta1))
    u = max(beta2 * u, |g| + eps)
    p = p - lr / (1 - beta1**t) * m / u

in torch's order of operations (``p.addcdiv_(m, u, value=-clr)``), its ``add(alpha=)`` and
``lerp`` rounded once (``_fused.py``).
"""
import numpy as np

from ..factories import zeros_like
from .._fma import fma
from ._arguments import check_betas, check_non_negative
from ._fused import lerp_
from .optimizer import PARAM, SCALAR, Optimizer


class Adamax(Optimizer):
    """``Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
    maximize=False, differentiable=False, capturable=False)``. ValueError for a negative ``lr``,
    ``eps`` or ``weight_decay`` or a beta outside [0, 1) (torch's messages)."""

    _state_kinds = {"step": SCALAR, "exp_avg": PARAM, "exp_inf": PARAM}
    _compat_options = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        check_non_negative(lr=lr, eps=eps)
        check_betas(betas)
        check_non_negative(weight_decay=weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _update(self, p, grad, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = self._new_step()
            state["exp_avg"] = zeros_like(p)
            state["exp_inf"] = zeros_like(p)
        (beta1, beta2), eps = group["betas"], group["eps"]
        x, m, u = p._data, state["exp_avg"]._data, state["exp_inf"]._data
        g = -grad if group["maximize"] else grad
        step = self._advance_step(state)
        if group["weight_decay"] != 0:
            g = fma(group["weight_decay"], x, g)
        lerp_(m, g, 1 - beta1)
        u *= beta2
        np.maximum(u, np.abs(g) + eps, out=u)
        clr = group["lr"] / (1 - beta1 ** step)
        x += -clr * m / u

"""Adam and AdamW: per-parameter step sizes from running averages of the gradient and its square.

For each parameter ``p`` with gradient ``g`` at step ``t``::

    p = p * (1 - lr * weight_decay)     (AdamW: decoupled weight decay)
    g = g + weight_decay * p            (Adam: L2 penalty folded into the gradient)
    m = m + (1 - beta1) * (g - m)       (m.lerp_(g, 1 - beta1))
    v = beta2 * v + (1 - beta2) * g * g
    v_hat = max(v_hat, v)               (amsgrad; then used instead of v)
    p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

in torch's order of operations: ``step_size = lr / bias_correction1``,
``denom = sqrt(v) / bias_correction2_sqrt + eps``, ``p += -step_size * m / denom``, with torch's
roundings: the L2 term, the ``lerp`` and ``v``'s ``addcmul`` each rounded once (``_fused.py``).
"""
import numpy as np

from ..factories import zeros_like
from .._fma import fma
from ._arguments import check_betas, check_non_negative
from ._fused import addcmul_, lerp_
from .optimizer import PARAM, SCALAR, Optimizer


class Adam(Optimizer):
    """``Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
    maximize=False, decoupled_weight_decay=False)``.

    ``foreach``, ``capturable``, ``differentiable`` and ``fused`` are accepted (and kept in
    ``param_groups`` like torch) but change nothing."""

    _state_kinds = {"step": SCALAR, "exp_avg": PARAM, "exp_avg_sq": PARAM, "max_exp_avg_sq": PARAM}
    _compat_options = {"amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
                       "differentiable": False, "decoupled_weight_decay": False, "fused": None}

    def _required_state(self, p, group):
        return ("step", "exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ())

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        check_non_negative(lr=lr, eps=eps)
        check_betas(betas)
        check_non_negative(weight_decay=weight_decay)
        if not (isinstance(betas[0], float) and isinstance(betas[1], float)):
            raise ValueError("betas must be either both floats or both Tensors")
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def _update(self, p, grad, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = self._new_step()
            state["exp_avg"] = zeros_like(p)
            state["exp_avg_sq"] = zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_like(p)
        lr, (beta1, beta2), eps, weight_decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        x, m, v = p._data, state["exp_avg"]._data, state["exp_avg_sq"]._data
        g = -grad if group["maximize"] else grad
        step = self._advance_step(state)
        g = apply_weight_decay(x, g, lr, weight_decay, group["decoupled_weight_decay"])
        update_moments(m, v, g, beta1, beta2)
        step_size = lr / (1 - beta1 ** step)
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        if group["amsgrad"]:
            v_max = state["max_exp_avg_sq"]._data
            np.maximum(v_max, v, out=v_max)
            v = v_max
        denom = np.sqrt(v) / bias_correction2_sqrt + eps
        x += -step_size * m / denom


class AdamW(Adam):
    """Adam with decoupled weight decay (default ``weight_decay=1e-2``): the decay shrinks the
    parameter directly instead of entering the running averages."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)


def apply_weight_decay(x, g, lr, weight_decay, decoupled):
    """Adam-family weight decay: decoupled (AdamW, Loshchilov and Hutter 2019) shrinks the parameter
    ``x *= 1 - lr * wd`` in place; otherwise L2 adds ``wd * x`` to the gradient (rounded once).
    Returns the gradient to use."""
    if weight_decay == 0:
        return g
    if decoupled:
        x *= 1 - lr * weight_decay
        return g
    return fma(weight_decay, x, g)


def update_moments(m, v, g, beta1, beta2):
    """The Adam moments in place: m = lerp(m, g, 1 - beta1), v = beta2 * v + (1 - beta2) * g * g,
    rounded as torch's kernels round them (``_fused``)."""
    lerp_(m, g, 1 - beta1)
    v *= beta2
    addcmul_(v, g, g, 1 - beta2)

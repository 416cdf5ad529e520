"""Adagrad: each coordinate's step shrinks with the sum of its squared gradients so far.

For each parameter ``p`` with gradient ``g`` at step ``t``::

    g = g + weight_decay * p
    clr = lr / (1 + (t - 1) * lr_decay)
    s = s + g * g                       (s starts at initial_accumulator_value)
    p = p - clr * g / (sqrt(s) + eps)

with torch's roundings: the L2 term and ``s``'s ``addcmul`` each rounded once (``_fused.py``).
"""
import numpy as np

from ..factories import full_like
from .._fma import fma
from ._arguments import check_non_negative
from ._fused import addcmul_
from .optimizer import PARAM, SCALAR, Optimizer


class Adagrad(Optimizer):
    """``Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
    foreach=None, *, maximize=False, differentiable=False, fused=None)``."""

    _state_kinds = {"step": SCALAR, "sum": PARAM}
    _compat_options = {"foreach": None, "maximize": False, "differentiable": False, "fused": None}

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_non_negative(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                           initial_accumulator_value=initial_accumulator_value, eps=eps)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        for group in self.param_groups:  # unlike the other optimizers, the state exists from the start
            for p in group["params"]:
                self._init_state(self.state[p], p)

    def _init_state(self, state, p):
        state["step"] = self._new_step()
        state["sum"] = full_like(p, self.defaults["initial_accumulator_value"])

    def _update(self, p, grad, group):
        state = self.state[p]
        if len(state) == 0:  # a parameter of a group added after construction
            self._init_state(state, p)
        x, s = p._data, state["sum"]._data
        step = self._advance_step(state)
        g = -grad if group["maximize"] else grad
        if group["weight_decay"] != 0:
            g = fma(group["weight_decay"], x, g)
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        addcmul_(s, g, g, 1)
        std = np.sqrt(s) + group["eps"]
        x += -clr * g / std

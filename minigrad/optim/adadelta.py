"""Adadelta: steps scaled by the ratio of running RMS of past updates to running RMS of gradients,
so that the update has the parameter's units and no learning rate is needed (``lr`` scales it).

For each parameter ``p`` with gradient ``g`` (Zeiler, "ADADELTA: An Adaptive Learning Rate Method",
arXiv:1212.5701; torch/optim/adadelta.py)::

    g = g + weight_decay * p
    v = rho * v + (1 - rho) * g * g
    delta = sqrt(u + eps) / sqrt(v + eps) * g
    u = rho * u + (1 - rho) * delta * delta
    p = p - lr * delta

in torch's order of operations, its ``add(alpha=)`` and ``addcmul`` rounded once (``_fused.py``).
"""
import numpy as np

from ..factories import zeros_like
from .._fma import fma
from ._arguments import check_non_negative
from ._fused import add_, addcmul_
from .optimizer import PARAM, SCALAR, Optimizer


class Adadelta(Optimizer):
    """``Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
    maximize=False, differentiable=False)``. ValueError for a negative ``lr``, ``eps`` or
    ``weight_decay`` or a ``rho`` outside [0, 1] (torch's messages). ``foreach``, ``capturable`` and
    ``differentiable`` are kept in ``param_groups`` like torch but change nothing."""

    _state_kinds = {"step": SCALAR, "square_avg": PARAM, "acc_delta": PARAM}
    _compat_options = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        check_non_negative(lr=lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_non_negative(eps=eps, weight_decay=weight_decay)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)

    def _update(self, p, grad, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = self._new_step()
            state["square_avg"] = zeros_like(p)
            state["acc_delta"] = zeros_like(p)
        rho, eps = group["rho"], group["eps"]
        x, v, u = p._data, state["square_avg"]._data, state["acc_delta"]._data
        self._advance_step(state)
        g = -grad if group["maximize"] else grad
        if group["weight_decay"] != 0:
            g = fma(group["weight_decay"], x, g)
        v *= rho
        addcmul_(v, g, g, 1 - rho)
        std = np.sqrt(v + eps)
        delta = np.sqrt(u + eps) / std * g
        u *= rho
        addcmul_(u, delta, delta, 1 - rho)
        add_(x, delta, -group["lr"])

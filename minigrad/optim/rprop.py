"""Rprop: resilient backpropagation -- each coordinate moves by its own step size, grown while the
gradient keeps its sign and shrunk when it flips; only the gradient's sign is used.

For each parameter ``p`` with gradient ``g`` (Riedmiller and Braun, "A Direct Adaptive Method for
Faster Backpropagation Learning: The RPROP Algorithm", ICNN 1993; torch/optim/rprop.py)::

    s = sign(g * prev)
    factor = etaplus where s > 0, etaminus where s < 0, 1 where s == 0
    step_size = clamp(step_size * factor, step_size_min, step_size_max)
    g = 0 where s < 0                        (after a sign flip, no move and no memory of it)
    p = p - sign(g) * step_size
    prev = g
"""
import numpy as np

from ..factories import full_like, zeros_like
from ._arguments import check_non_negative
from .optimizer import PARAM, SCALAR, Optimizer


class Rprop(Optimizer):
    """``Rprop(params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False,
    foreach=None, maximize=False, differentiable=False)``: ``lr`` is every step size's start.
    ValueError for a negative ``lr`` or unless ``0 < etaminus < 1 < etaplus`` (torch's messages)."""

    _state_kinds = {"step": SCALAR, "prev": PARAM, "step_size": PARAM}
    _compat_options = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False,
                 foreach=None, maximize=False, differentiable=False):
        check_non_negative(lr=lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _update(self, p, grad, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = self._new_step()
            state["prev"] = zeros_like(p)
            state["step_size"] = full_like(p, group["lr"])
        (etaminus, etaplus), (step_size_min, step_size_max) = group["etas"], group["step_sizes"]
        x, prev, step_size = p._data, state["prev"]._data, state["step_size"]._data
        g = -grad if group["maximize"] else grad
        self._advance_step(state)
        factor = np.sign(g * prev)
        factor[factor > 0] = etaplus  # in this order, as torch (a NaN stays NaN)
        factor[factor < 0] = etaminus
        factor[factor == 0] = 1
        step_size *= factor
        np.clip(step_size, step_size_min, step_size_max, out=step_size)
        g = g.copy()
        g[factor == x.dtype.type(etaminus)] = 0
        x -= np.sign(g) * step_size
        prev[...] = g

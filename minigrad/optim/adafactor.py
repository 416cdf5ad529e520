"""Adafactor: Adam-like steps with a factored second moment -- for a matrix, one running mean of
squared gradients per row and one per column (their outer product, normalised, estimates the
full matrix) -- a relative step size, and update clipping.

For each parameter ``p`` with gradient ``g`` at step ``t`` (Shazeer and Stern, "Adafactor: Adaptive
Learning Rates with Sublinear Memory Cost", arXiv:1804.04235; torch/optim/_adafactor.py)::

    beta2_t = 1 - t ** beta2_decay;  rho_t = min(lr, 1 / sqrt(t))
    alpha = max(eps2, RMS(p)) * rho_t
    p = p * (1 - lr * weight_decay)
    matrix g (last two dims): R = R.lerp(mean(g**2, dim=-1), 1 - beta2_t)   (row_var)
                              C = C.lerp(mean(g**2, dim=-2), 1 - beta2_t)   (col_var)
                              V = R @ C / max(mean(R, dim=-2), eps1)
    vector g:                 V = V.lerp(g**2, 1 - beta2_t)                 (variance)
    u = g / sqrt(max(V, eps1**2))
    p = p - alpha / max(1, RMS(u) / d) * u

in torch's order of operations (``mean(g**2)`` as ``norm(g)**2 / n``). The RMS norms are sums,
in NumPy's summation order, not torch's: float32 results agree to a few ulps, not bit for bit.
``eps1=None`` means the parameter dtype's machine epsilon (torch takes the first parameter's of
each group for the whole group).
"""
import numpy as np

from ..factories import zeros_like
from ..tensor import Tensor
from ._fused import add_, lerp_
from .optimizer import PARAM, SCALAR, Optimizer


def _row_shape(shape):
    return shape[:-1] + [1]


def _col_shape(shape):
    return shape[:-2] + [1] + shape[-1:]


class Adafactor(Optimizer):
    """``Adafactor(params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
    foreach=None, maximize=False)``. ValueError for a negative ``lr``, ``eps`` or ``weight_decay``,
    a positive ``beta2_decay`` or ``d < 1`` (torch's messages)."""

    _state_kinds = {"step": SCALAR, "row_var": _row_shape, "col_var": _col_shape, "variance": PARAM}
    _compat_options = {"foreach": None}

    def _required_state(self, p, group):
        return ("step", "row_var", "col_var") if p.dim() > 1 else ("step", "variance")

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = {"lr": lr, "beta2_decay": beta2_decay, "eps": eps, "d": d, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize}
        super().__init__(params, defaults)

    def _update(self, p, grad, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = self._new_step()
            if grad.ndim > 1:
                state["row_var"] = Tensor._wrap(np.zeros(_row_shape(list(grad.shape)), grad.dtype, like=grad), p.dtype)
                state["col_var"] = Tensor._wrap(np.zeros(_col_shape(list(grad.shape)), grad.dtype, like=grad), p.dtype)
            else:
                state["variance"] = zeros_like(p)
        lr, (eps1, eps2) = group["lr"], group["eps"]
        x = p._data
        g = -grad if group["maximize"] else grad
        if eps1 is None:
            eps1 = float(np.finfo(x.dtype).eps)
        step = self._advance_step(state)
        one_minus_beta2_t = step ** group["beta2_decay"]
        rho_t = min(lr, 1 / step ** 0.5)
        alpha = max(eps2, float(_norm(x)) / x.size ** 0.5) * rho_t
        if group["weight_decay"] != 0:
            x *= 1 - lr * group["weight_decay"]
        if g.ndim > 1:
            row_var, col_var = state["row_var"]._data, state["col_var"]._data
            row_mean = _norm(g, axis=-1) ** 2 / g.shape[-1]
            lerp_(row_var, row_mean, one_minus_beta2_t)
            col_mean = _norm(g, axis=-2) ** 2 / g.shape[-2]
            lerp_(col_var, col_mean, one_minus_beta2_t)
            var_estimate = row_var @ col_var
            var_estimate /= np.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
        else:
            variance = state["variance"]._data
            lerp_(variance, g * g, one_minus_beta2_t)
            var_estimate = variance.copy()
        update = 1 / np.sqrt(np.maximum(var_estimate, eps1 * eps1))
        update *= g
        denom = max(1.0, float(_norm(update)) / (update.size ** 0.5 * group["d"]))
        add_(x, update, -alpha / denom)


def _norm(a, axis=None):
    """The 2-norm of ``a`` (over ``axis``, kept as a size-1 dim), in ``a``'s dtype."""
    keep = axis is not None
    return np.sqrt(np.sum(a * a, axis=axis, keepdims=keep, dtype=a.dtype))

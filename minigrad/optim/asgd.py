"""ASGD: averaged stochastic gradient descent -- plain SGD steps with a decaying step size ``eta``,
plus a running average ``ax`` of the iterates that starts after ``t0`` steps.

For each parameter ``p`` with gradient ``g`` at step ``t`` (Polyak and Juditsky, "Acceleration of
Stochastic Approximation by Averaging", SIAM J. Control Optim. 1992; torch/optim/asgd.py)::

    g = g + weight_decay * p
    p = p * (1 - lambd * eta)
    p = p - eta * g
    ax = ax + (p - ax) * mu                  (ax = p while mu == 1)
    eta = lr / (1 + lambd * lr * t) ** alpha
    mu = 1 / max(1, t - t0)

``eta`` and ``mu`` are 0-dim tensors of torch's scalar dtype (float32), set from Python floats as
``torch.as_tensor`` makes them (rounded to the default dtype), so the float sequences equal torch's.
The averaged iterate ``ax`` is only stored; copy it into the model to use it (as in torch).
"""
from ..dtypes import get_default_dtype
from ..factories import zeros_like
from .._fma import fma
from ._arguments import check_non_negative
from ._fused import add_
from .optimizer import PARAM, SCALAR, Optimizer


class ASGD(Optimizer):
    """``ASGD(params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
    maximize=False, differentiable=False, capturable=False)``. ValueError for a negative ``lr`` or
    ``weight_decay`` (torch's messages; like torch, ``lambd``, ``alpha`` and ``t0`` are not checked)."""

    _state_kinds = {"step": SCALAR, "eta": SCALAR, "mu": SCALAR, "ax": PARAM}
    _compat_options = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        check_non_negative(lr=lr, weight_decay=weight_decay)
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def _update(self, p, grad, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = self._new_step()
            state["eta"] = self._new_scalar(group["lr"])
            state["mu"] = self._new_scalar(1.0)
            state["ax"] = zeros_like(p)
        lr, lambd = group["lr"], group["lambd"]
        x, ax, eta, mu = p._data, state["ax"]._data, state["eta"], state["mu"]
        g = -grad if group["maximize"] else grad
        step = self._advance_step(state)
        if group["weight_decay"] != 0:
            g = fma(group["weight_decay"], x, g)
        eta_value = eta.item()
        x *= 1 - lambd * eta_value
        add_(x, g, -eta_value)
        if mu.item() != 1:
            ax += (x - ax) * x.dtype.type(mu.item())  # mu, a 0-dim tensor, computes in x's dtype
        else:
            ax[...] = x
        eta._data[...] = _as_default_dtype(lr / ((1 + lambd * lr * step) ** group["alpha"]))
        mu._data[...] = _as_default_dtype(1 / max(1, step - group["t0"]))


def _as_default_dtype(value):
    """A Python float rounded as ``torch.as_tensor(value)`` rounds it: to the default dtype."""
    return get_default_dtype().np.type(value)

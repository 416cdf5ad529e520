"""Stochastic gradient descent, optionally with momentum (heavy-ball or Nesterov) and weight decay.

For each parameter ``p`` with gradient ``g`` (``-g`` when ``maximize``)::

    g = g + weight_decay * p
    buf = g                       (first step)
    buf = momentum * buf + (1 - dampening) * g
    g = g + momentum * buf        (nesterov)   or   g = buf
    p = p - lr * g

each ``x + a * y`` rounded once, as torch's ``add(y, alpha=a)`` (``_fused.py``).
"""
from ..tensor import Tensor
from .._fma import fma
from ._fused import add_
from .optimizer import PARAM, Optimizer


class SGD(Optimizer):
    """``SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False)``.

    ``foreach``, ``differentiable`` and ``fused`` are accepted (and kept in ``param_groups`` like torch)
    but change nothing: minigrad always runs the one-parameter-at-a-time loop."""

    _state_kinds = {"momentum_buffer": PARAM}
    _compat_options = {"nesterov": False, "maximize": False, "foreach": None, "differentiable": False, "fused": False}

    def _required_state(self, p, group):
        return ()  # the momentum buffer is made by the first step with momentum

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _update(self, p, grad, group):
        x = p._data
        g = -grad if group["maximize"] else grad
        if group["weight_decay"] != 0:
            g = fma(group["weight_decay"], x, g)
        momentum = group["momentum"]
        if momentum != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = Tensor._wrap(g.copy(), p.dtype)
            else:
                buf._data *= momentum
                add_(buf._data, g, 1 - group["dampening"])
            g = fma(momentum, buf._data, g) if group["nesterov"] else buf._data
        add_(x, g, -group["lr"])

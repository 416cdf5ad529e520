"""RMSprop: divide the gradient by a running root-mean-square of recent gradients.

For each parameter ``p`` with gradient ``g``::

    g = g + weight_decay * p
    v = alpha * v + (1 - alpha) * g * g
    avg = sqrt(v) + eps                       or, centered:
    avg = sqrt(v - mean_g**2) + eps           with mean_g.lerp_(g, 1 - alpha)
    buf = momentum * buf + g / avg; p = p - lr * buf      (momentum > 0)
    p = p - lr * g / avg                                   (otherwise)

with torch's roundings: its ``add(alpha=)``, ``addcmul`` and ``lerp`` each rounded once (``_fused.py``).
"""
import numpy as np

from ..factories import zeros_like
from .._fma import fma
from ._arguments import check_non_negative
from ._fused import add_, addcmul_, lerp_
from .optimizer import PARAM, SCALAR, Optimizer


class RMSprop(Optimizer):
    """``RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
    capturable=False, foreach=None, maximize=False, differentiable=False)``."""

    _state_kinds = {"step": SCALAR, "square_avg": PARAM, "momentum_buffer": PARAM, "grad_avg": PARAM}
    _compat_options = {"momentum": 0, "centered": False, "foreach": None, "maximize": False,
                       "differentiable": False, "capturable": False}

    def _required_state(self, p, group):
        return (("step", "square_avg") + (("momentum_buffer",) if group["momentum"] > 0 else ())
                + (("grad_avg",) if group["centered"] else ()))

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_non_negative(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def _update(self, p, grad, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = self._new_step()
            state["square_avg"] = zeros_like(p)
            if group["momentum"] > 0:
                state["momentum_buffer"] = zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = zeros_like(p)
        alpha, eps = group["alpha"], group["eps"]
        x, v = p._data, state["square_avg"]._data
        g = -grad if group["maximize"] else grad
        self._advance_step(state)
        if group["weight_decay"] != 0:
            g = fma(group["weight_decay"], x, g)
        v *= alpha
        addcmul_(v, g, g, 1 - alpha)
        if group["centered"]:
            mean_g = state["grad_avg"]._data
            lerp_(mean_g, g, 1 - alpha)
            avg = np.sqrt(fma(-mean_g, mean_g, v))  # square_avg.addcmul(grad_avg, grad_avg, value=-1)
        else:
            avg = np.sqrt(v)
        avg += eps
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]._data
            buf *= group["momentum"]
            buf += g / avg
            add_(x, buf, -group["lr"])
        else:
            x += -group["lr"] * g / avg

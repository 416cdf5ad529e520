"""NAdam: Adam with Nesterov momentum -- the update looks ahead with the next step's momentum.

For each parameter ``p`` with gradient ``g`` at step ``t`` (Dozat, "Incorporating Nesterov Momentum
into Adam", ICLR 2016 workshop; torch/optim/nadam.py)::

    g = g + weight_decay * p                  (or p = p * (1 - lr * weight_decay), decoupled)
    mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
    mu_product = mu_product * mu_t            (kept as a 0-dim float32 tensor, as in torch)
    m = m + (1 - beta1) * (g - m)
    v = beta2 * v + (1 - beta2) * g * g
    denom = sqrt(v / (1 - beta2**t)) + eps
    p = p - lr * (1 - mu_t) / (1 - mu_product) * g / denom
    p = p - lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / denom

in torch's order of operations, its ``add(alpha=)``, ``addcmul`` and ``lerp`` rounded once (``_fused.py``).
"""
import numpy as np

from ..factories import zeros_like
from .adam import apply_weight_decay, update_moments
from ._arguments import check_betas, check_non_negative
from .optimizer import PARAM, SCALAR, Optimizer


class NAdam(Optimizer):
    """``NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
    decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
    differentiable=False)``. ValueError for a negative ``lr``, ``eps``, ``weight_decay`` or
    ``momentum_decay`` or a beta outside [0, 1) (torch's messages)."""

    _state_kinds = {"step": SCALAR, "mu_product": SCALAR, "exp_avg": PARAM, "exp_avg_sq": PARAM}
    _compat_options = {"maximize": False, "foreach": None, "capturable": False, "differentiable": False,
                       "decoupled_weight_decay": False}

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_non_negative(lr=lr, eps=eps)
        check_betas(betas)
        check_non_negative(weight_decay=weight_decay, momentum_decay=momentum_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _update(self, p, grad, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = self._new_step()
            state["mu_product"] = self._new_scalar(1.0)
            state["exp_avg"] = zeros_like(p)
            state["exp_avg_sq"] = zeros_like(p)
        lr, (beta1, beta2), eps, weight_decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        x, m, v = p._data, state["exp_avg"]._data, state["exp_avg_sq"]._data
        g = -grad if group["maximize"] else grad
        step = self._advance_step(state)
        bias_correction2 = 1 - beta2 ** step
        g = apply_weight_decay(x, g, lr, weight_decay, group["decoupled_weight_decay"])
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * group["momentum_decay"])))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * group["momentum_decay"])))
        mu_product = state["mu_product"]
        mu_product._data *= mu
        update_moments(m, v, g, beta1, beta2)
        denom = np.sqrt(v / bias_correction2)
        denom += eps
        mu_product_value = mu_product.item()
        mu_product_next = mu_product_value * mu_next
        x += (-lr * (1.0 - mu) / (1.0 - mu_product_value)) * g / denom
        x += ((-lr * mu_next) / (1.0 - mu_product_next)) * m / denom

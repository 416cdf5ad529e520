"""``F.gumbel_softmax`` (Jang et al. 2017, "Categorical Reparameterization with Gumbel-Softmax"):
a differentiable sample from the categorical distribution with the given logits.

    g = -log(E),  E ~ Exponential(1)        (Gumbel noise, drawn as torch draws it)
    y = softmax((logits + g) / tau)
    hard: one_hot(argmax y) - y.detach() + y   (one-hot forward, soft gradient: straight-through)

A composition of Tensor ops as in torch (torch/nn/functional.py).
"""
import warnings

from ..factories import empty_like, zeros_like


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """Same shape as ``logits``; ``eps`` is unused (deprecated in torch, which warns when it is changed)."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft

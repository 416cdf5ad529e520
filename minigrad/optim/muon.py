"""Muon: momentum SGD for 2-D weight matrices whose update is the momentum orthogonalised --
replaced by the nearest semi-orthogonal matrix ``U V^T`` of its SVD, approximated by a few
Newton-Schulz iterations -- so every direction of the matrix moves by about the same amount.

For each 2-D parameter ``P`` with gradient ``G`` (Jordan et al., "Muon: An optimizer for hidden
layers in neural networks", kellerjordan.github.io/posts/muon, 2024; Liu et al., "Muon is
Scalable for LLM Training", arXiv:2502.16982; torch/optim/_muon.py)::

    B = B.lerp(G, 1 - momentum);  M = G.lerp(B, momentum) (nesterov) or B
    X = bfloat16(M) (transposed if taller than wide);  X = X / max(||X||, eps)
    repeat ns_steps:  A = X X^T;  X = a X + (b A + c A A) X
    P = P * (1 - lr * weight_decay);  P = P - lr * ratio * X
    ratio = sqrt(max(1, rows / cols)) ("original") or 0.2 * sqrt(max(rows, cols)) ("match_rms_adamw")

torch runs the Newton-Schulz iterations in bfloat16 (8-bit mantissas), which NumPy lacks: here each
of those ops computes in float32 and rounds its result to the nearest bfloat16 value (ties to
even), as torch's CPU bfloat16 kernels do with their float32 accumulators. The sums inside the
matrix products run in NumPy's order, not oneDNN's, so a product element can land on the other
side of a bfloat16 rounding boundary: the updates agree with torch's to a few bfloat16 ulps
(2**-8 relative), not bit for bit.
"""
import math

import numpy as np

from ..factories import zeros_like
from ._fused import add_, lerp_
from .optimizer import PARAM, Optimizer

EPS = 1e-07
DEFAULT_A = 3.4445
DEFAULT_B = -4.775
DEFAULT_C = 2.0315
DEFAULT_NS_STEPS = 5


class Muon(Optimizer):
    """``Muon(params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
    ns_coefficients=(3.4445, -4.775, 2.0315), eps=1e-7, ns_steps=5, adjust_lr_fn=None)``, for 2-D
    parameters only (optimize biases and embeddings with e.g. AdamW). ValueError for a negative
    ``lr``, ``momentum`` or ``weight_decay``, an unknown ``adjust_lr_fn``, a parameter that is not
    2-D, ``ns_steps >= 100`` (torch's messages)."""

    _state_kinds = {"momentum_buffer": PARAM}

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(DEFAULT_A, DEFAULT_B, DEFAULT_C), eps=EPS, ns_steps=DEFAULT_NS_STEPS,
                 adjust_lr_fn=None):
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ["original", "match_rms_adamw"]:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = {"lr": lr, "weight_decay": weight_decay, "momentum": momentum, "nesterov": nesterov,
                    "ns_coefficients": ns_coefficients, "eps": eps, "ns_steps": ns_steps, "adjust_lr_fn": adjust_lr_fn}
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(f"Muon only supports 2D parameters whereas we found a parameter with size: "
                                     f"{p.size()}")

    def _update(self, p, grad, group):
        state = self.state[p]
        if "momentum_buffer" not in state:
            state["momentum_buffer"] = zeros_like(p)
        buf = state["momentum_buffer"]._data
        momentum, lr = group["momentum"], group["lr"]
        lerp_(buf, grad, 1 - momentum)
        if group["nesterov"]:
            update = grad.copy()
            lerp_(update, buf, momentum)
        else:
            update = buf
        update = _zeropower_via_newtonschulz(update, group["ns_coefficients"], group["ns_steps"], group["eps"])
        x = p._data
        x *= 1 - lr * group["weight_decay"]
        add_(x, update.astype(x.dtype), -_adjust_lr(lr, group["adjust_lr_fn"], x.shape))


def _bfloat16(x):
    """float32 ``x`` rounded to the nearest bfloat16 value (ties to even), kept in float32."""
    bits = x.astype(np.float32).view(np.uint32)
    rounded = (bits + (0x7FFF + ((bits >> 16) & 1))) & np.uint32(0xFFFF0000)
    return np.where(np.isnan(x), x, rounded.view(np.float32)).astype(np.float32)


def _zeropower_via_newtonschulz(grad, ns_coefficients, ns_steps, eps):
    """``ns_steps`` Newton-Schulz iterations towards the orthogonal factor of ``grad``, in bfloat16."""
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = (np.float32(v) for v in ns_coefficients)
    x = _bfloat16(grad)
    tall = grad.shape[0] > grad.shape[1]
    if tall:
        x = x.T
    norm = _bfloat16(np.sqrt(np.sum(x * x, dtype=np.float32)))
    x = _bfloat16(x / max(norm, _bfloat16(np.float32(eps))))
    for _ in range(ns_steps):
        gram = _bfloat16(x @ x.T)
        gram_update = _bfloat16(b * gram + c * (gram @ gram))
        x = _bfloat16(a * x + gram_update @ x)
    return x.T if tall else x


def _adjust_lr(lr, adjust_lr_fn, shape):
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, rows / cols))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(rows, cols))
    else:
        ratio = 1.0
    return lr * ratio

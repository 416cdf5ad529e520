"""``F.ctc_loss``: Connectionist Temporal Classification (Graves et al. 2006), the negative log
likelihood of a target sequence summed over every alignment of it to the input frames.

The target l (length S) is extended with blanks, l' = (blank, l1, blank, l2, ..., lS, blank), and the
forward variables alpha (log space) run over frames t and positions s of l':

    alpha[0, 0] = lp[0, blank],  alpha[0, 1] = lp[0, l1]
    alpha[t, s] = lp[t, l'(s)] + logsumexp(alpha[t-1, s], alpha[t-1, s-1],
                                           alpha[t-1, s-2] if l'(s) != blank and l'(s) != l'(s-2))
    nll = -logsumexp(alpha[T-1, 2S], alpha[T-1, 2S-1])

The backward variables beta run the same recursion from the end. torch's kernel
(aten/src/ATen/native/LossCTC.cpp) returns, for t below the input length,

    grad[t, c] = (exp(lp[t, c]) - exp(logsumexp_{s: l'(s) = c}(alpha[t, s] + beta[t, s]) + nll - lp[t, c])) * g

which is the gradient *through a log_softmax* (the exp(lp) term cancels there), not the derivative with
respect to independent log_probs. One op (``CtcLossBackward0``) with a non-differentiable backward,
as in torch; the reductions on top are Tensor ops ('mean' divides by the target lengths first).

The recursions are sequential loops over frames, as in torch's CPU kernel, each frame one vectorised
step over the batch and the positions s; they run in float64 on the input's device (every array is made
``like=`` the log-probs). Only the targets and lengths are read to the host: they are the loop bounds
and index lists, as torch reads them into IntArrayRefs.
"""
import numpy as np

from .._backend import host, to_device
from ..autograd.function import BuiltinFunction
from ..factories import tensor as _tensor
from ..ops.arithmetic import where
from ..tensor import Tensor
from . import _reduction


def _logsumexp(*terms):
    """Elementwise log(sum(exp)) of arrays, -inf when every term is -inf."""
    stacked = np.stack(terms)
    top = stacked.max(axis=0)
    safe = np.where(np.isfinite(top), top, 0)
    with np.errstate(divide="ignore"):
        return safe + np.log(np.exp(stacked - safe).sum(axis=0))


def _extended_targets(targets, target_lengths, blank, device):
    """(N, 2*S_max + 1) extended labels l' (blank-padded) and whether l'(s) may skip from s - 2,
    on ``device``."""
    n, s_max = len(target_lengths), max(target_lengths, default=0)
    labels = np.full((n, 2 * s_max + 1), blank, dtype=np.int64)  # host: filled from the host targets, moved once
    for b, seq in enumerate(targets):
        labels[b, 1:2 * len(seq):2] = seq
    labels = to_device(labels, device)
    skip = np.zeros(labels.shape, dtype=bool, like=labels)
    skip[:, 2:] = (labels[:, 2:] != blank) & (labels[:, 2:] != labels[:, :-2])
    return labels, skip


def _alphas(lp, labels, skip, input_lengths, target_lengths):
    """log alpha (T, N, 2S+1) in float64; positions beyond 2*S_n are -inf."""
    steps, n, width = lp.shape[0], labels.shape[0], labels.shape[1]
    target_lengths, input_lengths = np.asarray(target_lengths, like=lp), np.asarray(input_lengths, like=lp)
    rows = np.arange(n, like=lp)[:, None]
    emit = lp[:, rows, labels]  # (T, N, 2S+1): lp[t, n, l'(s)]
    valid = np.arange(width, like=lp)[None, :] < (2 * target_lengths + 1)[:, None]
    alpha = np.full((steps, n, width), -np.inf, like=lp)
    alpha[0, :, 0] = emit[0, :, 0]
    if width > 1:  # an alignment may also start with the first label
        alpha[0, :, 1] = np.where(target_lengths > 0, emit[0, :, 1], -np.inf)
    for t in range(1, steps):
        prev = alpha[t - 1]
        shift1 = np.concatenate([np.full((n, 1), -np.inf, like=lp), prev[:, :-1]], axis=1)
        shift2 = np.concatenate([np.full((n, 2), -np.inf, like=lp), prev[:, :-2]], axis=1)[:, :width]
        alpha[t] = emit[t] + _logsumexp(prev, shift1, np.where(skip, shift2, -np.inf))
    alpha[:, ~valid] = -np.inf
    alpha[np.arange(steps, like=lp)[:, None] >= input_lengths[None, :]] = -np.inf
    return alpha, emit


def _betas(emit, labels, skip, input_lengths, target_lengths):
    """log beta (T, N, 2S+1) in float64, each sequence started at its own last frame."""
    steps, n, width = emit.shape
    target_lengths, input_lengths = np.asarray(target_lengths, like=emit), np.asarray(input_lengths, like=emit)
    beta = np.full((steps, n, width), -np.inf, like=emit)
    valid = np.arange(width, like=emit)[None, :] < (2 * target_lengths + 1)[:, None]
    skip_from = np.zeros(skip.shape, dtype=bool, like=skip)  # s may be reached from s + 2
    skip_from[:, :-2] = skip[:, 2:]
    rows, tails, has_label = np.arange(n, like=emit), 2 * target_lengths, target_lengths > 0
    nothing = np.full((n, width), -np.inf, like=emit)
    for t in range(steps - 1, -1, -1):
        last = input_lengths - 1 == t  # sequences whose final frame is t
        nxt = beta[t + 1] if t + 1 < steps else nothing
        shift1 = np.concatenate([nxt[:, 1:], nothing[:, :1]], axis=1)
        shift2 = np.concatenate([nxt[:, 2:], nothing[:, :2]], axis=1)[:, :width]
        step = emit[t] + _logsumexp(nxt, shift1, np.where(skip_from, shift2, -np.inf))
        end = nothing.copy()
        end[rows, tails] = emit[t, rows, tails]
        end[rows[has_label], tails[has_label] - 1] = emit[t, rows[has_label], tails[has_label] - 1]
        beta[t] = np.where(last[:, None], end, step)
        beta[t, ~valid] = -np.inf
        beta[t, input_lengths <= t] = -np.inf
    return beta


class CtcLoss(BuiltinFunction):
    """nll per sequence (see the module docstring); the gradient is torch's (through a log_softmax)"""

    @staticmethod
    def forward(ctx, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
        lp = log_probs._data.astype(np.float64)
        labels, skip = _extended_targets(targets, target_lengths, blank, log_probs.device)
        alpha, emit = _alphas(lp, labels, skip, input_lengths, target_lengths)
        rows = np.arange(len(input_lengths), like=lp)
        last = np.asarray(input_lengths, like=lp) - 1
        tails = 2 * np.asarray(target_lengths, like=lp)
        end = alpha[last, rows]  # (N, 2S+1)
        final = end[rows, tails]
        before = np.where(tails > 0, end[rows, np.maximum(tails - 1, 0)], -np.inf)
        nll = -_logsumexp(final, before)
        ctx.save_for_backward(log_probs)
        ctx.cache = (lp, labels, skip, alpha, emit, nll)
        ctx.lengths, ctx.zero_infinity = (input_lengths, target_lengths), zero_infinity
        return nll.astype(log_probs.dtype.np)

    @staticmethod
    def backward(ctx, grad):
        log_probs, = ctx.saved_tensors
        lp, labels, skip, alpha, emit, nll = ctx.cache
        input_lengths, target_lengths = ctx.lengths
        beta = _betas(emit, labels, skip, input_lengths, target_lengths)
        steps, n, classes = lp.shape
        total = alpha + beta  # (T, N, 2S+1)
        per_class = np.full((steps, n, classes), -np.inf, like=lp)
        for c in np.unique(labels):
            mask = labels == c  # (N, 2S+1)
            per_class[:, :, c] = _logsumexp(*np.moveaxis(np.where(mask[None], total, -np.inf), 2, 0)) \
                if mask.any() else -np.inf
        with np.errstate(over="ignore", invalid="ignore"):
            coefficient = np.exp(lp) - np.exp(per_class + nll[None, :, None] - lp)
        inside = np.arange(steps, like=lp)[:, None] < np.asarray(input_lengths, like=lp)[None, :]
        coefficient = np.where(inside[:, :, None], coefficient, 0)
        if ctx.zero_infinity:
            coefficient = np.where(np.isinf(nll)[None, :, None], 0, coefficient)
        coefficient = Tensor._wrap(coefficient.astype(log_probs.dtype.np))
        return grad.reshape(1, -1, 1) * coefficient, None, None, None, None, None


def _lengths(value, name):
    if isinstance(value, Tensor):
        if value.dtype.is_floating_point:
            raise RuntimeError(f"{name} must be integral")
        return [int(v) for v in host(value._data).reshape(-1)]
    return [int(v) for v in value]


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """log_probs (T, N, C) (log_softmax outputs) or unbatched (T, C); targets (N, S) padded or 1-d
    concatenated; input_lengths and target_lengths (N,) tensors or sequences. Returns the loss per
    sequence ('none'), their sum, or the mean of loss / target_length ('mean'). ``zero_infinity``
    replaces infinite losses (impossible alignments) and their gradients by zero."""
    reduction = _reduction.resolve(reduction)
    unbatched = log_probs.dim() == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)
        targets = targets.unsqueeze(0) if targets.dim() == 1 else targets
    in_lengths, tgt_lengths = _lengths(input_lengths, "input_lengths"), _lengths(target_lengths, "target_lengths")
    steps, n, classes = log_probs.shape
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    if len(in_lengths) != n:
        raise RuntimeError("input_lengths must be of size batch_size")
    if len(tgt_lengths) != n:
        raise RuntimeError("target_lengths must be of size batch_size")
    flat = host(targets._data).astype(np.int64)  # the targets as per-sequence index lists, on the host
    if flat.ndim == 1:
        starts = np.concatenate([[0], np.cumsum(tgt_lengths)[:-1]]).astype(int)
        sequences = [flat[s:s + length] for s, length in zip(starts, tgt_lengths)]
    else:
        for length in tgt_lengths:
            if length > flat.shape[1]:
                raise RuntimeError(f"Expected tensor to have size at least {length} at dimension 1, but got size "
                                   f"{flat.shape[1]} for argument #2 'targets' (while checking arguments for "
                                   "ctc_loss_allocate_outputs)")
        sequences = [flat[b, :length] for b, length in enumerate(tgt_lengths)]
    for length in in_lengths:
        if length > steps:
            raise RuntimeError(f"Expected input_lengths to have value at most {steps}, but got value {length} (while "
                               "checking arguments for ctc_loss_allocate_outputs)")
    loss = CtcLoss.apply(log_probs, sequences, in_lengths, tgt_lengths, blank, zero_infinity)
    if zero_infinity:
        loss = where(loss == float("inf"), 0.0, loss)
    if reduction == "mean":
        lengths = _tensor(tgt_lengths, dtype=loss.dtype, device=loss.device).clamp(min=1)
        loss = (loss / lengths).mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss.squeeze(0) if unbatched and reduction == "none" else loss

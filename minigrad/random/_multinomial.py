"""``torch.multinomial``: without replacement the top ``probs / Exponential(1)``, with
replacement an inverse-CDF search per float64 uniform."""

import numpy as np

from ._arguments import TORCH_NAME
from ._exponential import exponential


def multinomial(engine, probs, num_samples, replacement):
    """``torch.multinomial(probs, num_samples, replacement)`` for 1-D or 2-D ``probs``.

    Without replacement (or one sample): ``q = probs / Exponential(1)`` and the indices
    of the ``num_samples`` largest ``q`` (argmax for one). With replacement: per row, the
    normalised cumulative sum ``c`` (last entry set to 1) and, per sample, the first
    index with ``c >= u`` for a float64 uniform ``u``."""
    probs = np.asarray(probs)
    _check_multinomial(probs, num_samples, replacement)
    rows = probs.reshape(-1, probs.shape[-1])
    if rows.shape[0] == 0:
        return np.empty(probs.shape[:-1] + (num_samples,), np.int64)
    if replacement and num_samples > 1:
        samples = _multinomial_replacement(engine, rows, num_samples)
    else:
        samples = _multinomial_exponential(engine, rows, num_samples)
    return samples.reshape(probs.shape[:-1] + (num_samples,))


def _multinomial_exponential(engine, rows, num_samples):
    """The no-replacement path: top ``num_samples`` of ``probs / Exponential(1)``."""
    if not (np.all(rows < np.inf) and np.all(rows >= 0)):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if np.any(rows.sum(axis=1) == 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    q = (rows / exponential(engine, rows.shape, rows.dtype, 1.0)).astype(rows.dtype)
    if num_samples == 1:
        return np.argmax(q, axis=1)[:, None]
    return np.argsort(-q, axis=1, kind="stable")[:, :num_samples]


def _multinomial_replacement(engine, rows, num_samples):
    """The with-replacement path: inverse CDF by binary search, row after row (in float32
    for float16 probabilities, as torch accumulates them)."""
    acc = np.float32 if rows.dtype == np.float16 else rows.dtype
    values = rows.astype(acc)
    cumulative = np.cumsum(values, axis=1, dtype=acc)       # sequential sums, like torch
    invalid = (~(values >= 0) | ~np.isfinite(values)).any(axis=1) | ~(cumulative[:, -1] > 0)
    if invalid.any():
        first = int(np.argmax(invalid))
        engine.uniform53(first * num_samples)       # torch fails after earlier rows drew
        _raise_multinomial_row(values[first])
    cumulative = (cumulative / cumulative[:, -1:]).astype(acc)
    cumulative[:, -1] = 1
    u = engine.uniform53(rows.shape[0] * num_samples).reshape(rows.shape[0], num_samples)
    return np.stack([np.searchsorted(c.astype(np.float64), s, side="left")
                     for c, s in zip(cumulative, u, strict=True)])


def _check_multinomial(probs, num_samples, replacement):
    """torch's multinomial argument checks (in torch's order)."""
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if probs.dtype.kind != "f":
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{TORCH_NAME.get(probs.dtype.name, probs.dtype.name)}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > probs.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if probs.shape[-1] > 1 << 24:
        raise RuntimeError("number of categories cannot exceed 2^24")


def _raise_multinomial_row(row):
    """The error torch's with-replacement kernel raises for an invalid row: it checks each
    entry in order (``>= 0``, then finite), then the sum."""
    bad = np.flatnonzero(~(row >= 0) | ~np.isfinite(row))
    if bad.size and not row[bad[0]] >= 0:
        raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
    if bad.size:
        raise RuntimeError("invalid multinomial distribution (encountering probability entry = "
                           "infinity or NaN)")
    raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")

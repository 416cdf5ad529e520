"""``F.scaled_dot_product_attention``: softmax(q k^T * scale + mask) v (Vaswani et al. 2017,
"Attention Is All You Need"), with torch's two CPU paths:

* **math** (aten/src/ATen/native/transformers/attention.cpp, ``_scaled_dot_product_attention_math``):
  a composition of Tensor ops, so double backward comes free. q and k^T are each scaled by
  sqrt(scale) before their matmul; a boolean mask becomes 0 where True and -inf where False; the
  softmax is torch's ``_safe_softmax`` (a row masked everywhere gives zeros, not nan); dropout is
  ``F.dropout`` on the attention weights, so a seeded run draws torch's mask.
* **flash** (``_scaled_dot_product_flash_attention_for_cpu``): one op, chosen exactly when torch
  chooses it (4-d inputs, no dropout, equal head dims, a mask of 2 or 4 dims that needs no grad, see
  ``_flash_applies``). Its node is ``ScaledDotProductFlashAttentionForCpuBackward0``; its backward
  recomputes the weights P with Tensor ops and applies

      dV = P^T g,   dP = g V^T,   dS = P * (dP - sum(dP * P, -1)),   dQ = dS K * scale,   dK = dS^T Q * scale

  (torch has no double backward for this node; minigrad's, being Tensor ops, is differentiable).
  One deliberate difference: with ``is_causal`` and a negative ``scale`` torch 2.13's fused kernel
  multiplies the causal mask's -inf by the scale and returns nan in every row that masks a key;
  minigrad returns the math path's (finite) values there.

Shapes: query (*, L, E), key (*, S, E), value (*, S, Ev) -> (*, L, Ev); ``attn_mask`` broadcasts to
(*, L, S). ``enable_gqa`` lets key/value have fewer heads (dim -3) than query, each shared by a group.
"""
import math

import numpy as np

from ..autograd.function import BuiltinFunction
from ..factories import zeros
from ..ops.arithmetic import where
from ..tensor import Tensor
from ._layer_ops import dropout


def convert_boolean_attn_mask(mask, dtype):
    """A bool mask as an additive float mask: 0 where attention is allowed (True), -inf elsewhere."""
    if mask is None or mask.dtype.name != "bool":
        return mask
    return zeros(mask.shape, dtype=dtype, device=mask.device).masked_fill(mask.logical_not(), float("-inf"))


def _causal_mask(length, source, like):
    """The lower-triangular boolean (L, S) mask of ``is_causal`` (query i sees keys 0..i)."""
    return np.tri(length, source, dtype=bool, like=like)


def _safe_softmax(scores):
    """softmax over the last dim, with rows that are -inf everywhere giving zeros (torch's
    ``_safe_softmax``). Such rows are set to 0 before the softmax, so no nan reaches its gradient."""
    masked_rows = Tensor._wrap((scores._data == -np.inf).all(axis=-1, keepdims=True))
    return where(masked_rows, 0.0, where(masked_rows, 0.0, scores).softmax(-1))


def _repeat_heads(t, repeats):
    """``t.repeat_interleave(repeats, dim=-3)`` (each key/value head shared by ``repeats`` query heads)."""
    if repeats == 1:
        return t
    lead, heads, rest = t.shape[:-3], t.shape[-3], t.shape[-2:]
    return t.unsqueeze(-3).expand(*lead, heads, repeats, *rest).reshape(*lead, heads * repeats, *rest)


def _group_query_heads(query, key, value, enable_gqa):
    if not enable_gqa:
        return key, value
    q_heads, kv_heads = query.shape[-3], key.shape[-3]
    if q_heads % kv_heads or q_heads % value.shape[-3]:
        raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
    return _repeat_heads(key, q_heads // kv_heads), _repeat_heads(value, q_heads // value.shape[-3])


def _validate(query, key, value, attn_mask):
    """torch's ``validate_sdpa_input`` checks."""
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{query.dtype.legacy_name.lower()} key.dtype: {key.dtype.legacy_name.lower()} and "
                           f"value.dtype: {value.dtype.legacy_name.lower()} instead.")
    if min(query.dim(), key.dim(), value.dim()) < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                           f"{query.dim()} key.dim: {key.dim()} and value.dim: {value.dim()} instead.")
    if attn_mask is not None and attn_mask.dtype.name != "bool" and attn_mask.dtype != query.dtype:
        mask_name = "long int" if attn_mask.dtype.name == "int64" else attn_mask.dtype.legacy_name.lower()
        raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                           f"attn_mask.dtype: {mask_name} and  query.dtype: "
                           f"{query.dtype.legacy_name.lower()} instead.")


def _flash_applies(query, key, value, attn_mask, dropout_p, enable_gqa):
    """torch's ``use_flash_attention_cpp`` gates (aten/src/ATen/native/transformers/sdp_utils_cpp.cpp)."""
    if dropout_p > 0 or not query.dim() == key.dim() == value.dim() == 4:
        return False
    if not query.shape[0] == key.shape[0] == value.shape[0]:
        return False
    heads = query.shape[1]
    if not heads == key.shape[1] == value.shape[1] and not (enable_gqa and key.shape[1] and value.shape[1]
                                                            and heads % key.shape[1] == heads % value.shape[1] == 0):
        return False
    if not query.shape[-1] == key.shape[-1] == value.shape[-1]:
        return False
    if min(query.shape[2], key.shape[2], value.shape[2]) == 0:
        return False
    if attn_mask is not None:
        if attn_mask.requires_grad or attn_mask.dim() not in (2, 4):
            return False
        if attn_mask.shape[-2] not in (query.shape[2], 1) or attn_mask.shape[-1] not in (key.shape[2], 1):
            return False
        if attn_mask.dim() == 4 and (attn_mask.shape[0] not in (1, query.shape[0])
                                     or attn_mask.shape[1] not in (1, query.shape[1])):
            return False
    return True


def _scores(q, k, mask, causal, scale):
    """q k^T * scale, plus the additive mask, with -inf above the diagonal when ``causal`` (Tensor ops)."""
    scores = (q @ k.transpose(-2, -1)) * scale
    if causal:
        scores = where(Tensor._wrap(_causal_mask(q.shape[-2], k.shape[-2], q._data)), scores, float("-inf"))
    return scores if mask is None else scores + mask


class ScaledDotProductFlashAttentionForCpu(BuiltinFunction):
    """out = softmax(q k^T * scale + mask) v in one op; its gradient is in the module docstring"""

    @staticmethod
    def forward(ctx, q, k, v, mask, causal, scale):
        with np.errstate(invalid="ignore"):
            scores = np.matmul(q._data, np.swapaxes(k._data, -1, -2)) * q._data.dtype.type(scale)
        if causal:
            scores = np.where(_causal_mask(scores.shape[-2], scores.shape[-1], scores), scores, -np.inf)
        if mask is not None:
            scores = scores + mask._data
        row_max = scores.max(axis=-1, keepdims=True)
        row_max = np.where(row_max == -np.inf, 0, row_max)
        weights = np.exp(scores - row_max)
        total = weights.sum(axis=-1, keepdims=True)
        weights = weights / np.where(total == 0, 1, total)  # a fully masked row stays all zeros
        ctx.save_for_backward(q, k, v, mask)
        ctx.causal, ctx.scale = causal, scale
        return np.matmul(weights, v._data)

    @staticmethod
    def backward(ctx, grad):
        q, k, v, mask = ctx.saved_tensors
        p = _safe_softmax(_scores(q, k, mask, ctx.causal, ctx.scale))
        grad_v = p.transpose(-2, -1) @ grad
        grad_p = grad @ v.transpose(-2, -1)
        grad_s = p * (grad_p - (grad_p * p).sum(-1, keepdim=True))
        grad_q = (grad_s @ k) * ctx.scale
        grad_k = (grad_s.transpose(-2, -1) @ q) * ctx.scale
        return grad_q, grad_k, grad_v, None, None, None


def _math(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa):
    """torch's math path as Tensor ops (see the module docstring)."""
    root = math.sqrt(abs(scale))
    q = query * (-root if scale < 0 else root)
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                               "is_causal=True")
        attn_mask = convert_boolean_attn_mask(
            Tensor._wrap(_causal_mask(query.shape[-2], key.shape[-2], query._data)), query.dtype)
    key, value = _group_query_heads(query, key, value, enable_gqa)
    attn = q @ (key.transpose(-2, -1) * root)
    if attn_mask is not None:
        attn = attn + attn_mask
    attn = _safe_softmax(attn)
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p, True)
    return attn @ value


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False,
                                 scale=None, enable_gqa=False):
    """softmax(query @ key^T * scale + attn_mask) @ value, with dropout ``dropout_p`` on the weights
    (always applied when > 0, as in torch: pass 0.0 in evaluation). ``scale`` defaults to 1/sqrt(E);
    ``is_causal`` masks keys after each query's position (top-left aligned when L != S). A boolean
    mask keeps positions where True; a float mask is added. Raises RuntimeError for mismatched
    dtypes, inputs below 2-d, or a mask of another float dtype (torch's messages)."""
    _validate(query, key, value, attn_mask)
    if dropout_p < 0.0 or dropout_p > 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    attn_mask = convert_boolean_attn_mask(attn_mask, query.dtype)
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1])
    if _flash_applies(query, key, value, attn_mask, dropout_p, enable_gqa):
        key, value = _group_query_heads(query, key, value, enable_gqa)
        return ScaledDotProductFlashAttentionForCpu.apply(query, key, value, attn_mask, is_causal, scale)
    return _math(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)

"""The differentiable ops behind the layers: dropout, batch_norm, layer_norm, embedding.

Signatures are ``torch.nn.functional``'s (``nn/functional.py`` re-exports them). Each op's forward
and backward sit side by side; backward is written with Tensor ops, so double backward works.

Normalisation, with ``xhat = (x - mean) * invstd`` and ``invstd = 1 / sqrt(var + eps)`` (biased
variance over the normalised dims, N elements each), has the gradient

    dx = invstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat)),   gxhat = g * weight

batch_norm normalises each channel (dim 1) over all other dims; layer_norm normalises each
sample over its last ``len(normalized_shape)`` dims.
"""
import numpy as np

from ..autograd.function import BuiltinFunction
from ..autograd.grad_mode import no_grad
from ..factories import empty_like, zeros
from ..ops.indexing import IndexAddInto
from ..tensor import Tensor


# --- dropout -------------------------------------------------------------------------------------
def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002 - torch's parameter name
    """Zero each element with probability ``p`` and scale the rest by ``1/(1-p)`` (training only).

    The mask is drawn as torch's CPU kernel draws it: ``empty_like(input).bernoulli_(1 - p)``, then
    ``div_(1 - p)``, and multiplied in, so the graph node is torch's ``MulBackward0``."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        mask = zeros((), dtype=input.dtype, device=input.device)
    else:
        mask = empty_like(input).bernoulli_(1 - p)
        mask.div_(1 - p)
    return input.mul_(mask) if inplace else input * mask


# --- batch norm ----------------------------------------------------------------------------------
def _reduce_axes(ndim):
    return (0,) + tuple(range(2, ndim))


def _channel_shape(ndim, c):
    """(1, C, 1, ...): a per-channel vector shaped to broadcast against the input."""
    return (1, c) + (1,) * (ndim - 2)


def _normalized(x, dims, eps):
    """(xhat, invstd) of ``x`` over ``dims`` as Tensor ops (differentiable in ``x``)."""
    centered = x - x.mean(dims, keepdim=True)
    invstd = (centered.square().mean(dims, keepdim=True) + eps).rsqrt()
    return centered * invstd, invstd


def _norm_input_grad(gxhat, xhat, invstd, dims):
    """dx of ``xhat`` computed with batch statistics (the formula in the module docstring)."""
    return invstd * (gxhat - gxhat.mean(dims, keepdim=True) - xhat * (gxhat * xhat).mean(dims, keepdim=True))


class NativeBatchNorm(BuiltinFunction):
    """y = xhat * w + b per channel; training: batch stats (see module docstring), eval: running stats"""

    _name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, running_mean, running_var, training, momentum, eps):
        a = x._data
        axes, shape = _reduce_axes(a.ndim), _channel_shape(a.ndim, a.shape[1])
        if training:
            mean = a.mean(axis=axes, dtype=np.float64)
            var = np.square(a - mean.reshape(shape)).mean(axis=axes)
            if running_mean is not None:  # running stats use the unbiased variance
                n = a.size // a.shape[1]
                running_mean._data[...] = (1 - momentum) * running_mean._data + momentum * mean
                running_var._data[...] = (1 - momentum) * running_var._data + momentum * var * (n / (n - 1))
                running_mean._bump_version()
                running_var._bump_version()
        else:
            mean, var = running_mean._data, running_var._data
        invstd = (1.0 / np.sqrt(var + eps)).astype(a.dtype)
        out = (a - mean.astype(a.dtype).reshape(shape)) * invstd.reshape(shape)
        if weight is not None:
            out *= weight._data.reshape(shape)
        if bias is not None:
            out += bias._data.reshape(shape)
        # Training updates the running statistics in place (again at every call), and its
        # gradient does not use them: only evaluation saves them.
        ctx.save_for_backward(x, weight, *(() if training else (running_mean, running_var)))
        ctx.training, ctx.eps = training, eps
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight, *running = ctx.saved_tensors
        dims, shape = _reduce_axes(x.ndim), _channel_shape(x.ndim, x.shape[1])
        if ctx.training:
            xhat, invstd = _normalized(x, dims, ctx.eps)
        else:
            running_mean, running_var = running
            invstd = (running_var.reshape(shape) + ctx.eps).rsqrt()
            xhat = (x - running_mean.reshape(shape)) * invstd
        gxhat = grad if weight is None else grad * weight.reshape(shape)
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        grad_x = grad_w = grad_b = None
        if need_x:
            grad_x = _norm_input_grad(gxhat, xhat, invstd, dims) if ctx.training else gxhat * invstd
        if need_w:
            grad_w = (grad * xhat).sum(dims)
        if need_b:
            grad_b = grad.sum(dims)
        return grad_x, grad_w, grad_b, None, None, None, None, None


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,  # noqa: A002
               momentum=0.1, eps=1e-05):
    """Normalise each channel (dim 1); in training with batch statistics, updating the running ones."""
    if training:
        size = input.shape
        per_channel = size[0] * int(np.prod(size[2:])) if len(size) > 1 else size[0]
        if per_channel == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")
        if (running_mean is None) != (running_var is None):
            raise ValueError("running_mean and running_var must either both be None or neither be None")
    elif running_mean is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    elif running_var is None:
        raise RuntimeError("running_var must be defined in evaluation mode")
    c = input.shape[1] if input.ndim > 1 else 0
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"batch_norm\" not implemented for '{input.dtype.legacy_name}'")
    return NativeBatchNorm.apply(input, weight, bias, running_mean, running_var, training, momentum, eps)


# --- layer norm ----------------------------------------------------------------------------------
class NativeLayerNorm(BuiltinFunction):
    """y = xhat * w + b, normalising over the last dims (see module docstring)"""

    _name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, x, normalized_ndim, weight, bias, eps):
        a = x._data
        axes = tuple(range(a.ndim - normalized_ndim, a.ndim))
        mean = a.mean(axis=axes, keepdims=True, dtype=np.float64)
        var = np.square(a - mean).mean(axis=axes, keepdims=True)
        out = (a - mean.astype(a.dtype)) * (1.0 / np.sqrt(var + eps)).astype(a.dtype)
        if weight is not None:
            out *= weight._data
        if bias is not None:
            out += bias._data
        ctx.save_for_backward(x, weight)
        ctx.axes, ctx.eps = axes, eps
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        dims = ctx.axes
        xhat, invstd = _normalized(x, dims, ctx.eps)
        need_x, _, need_w, need_b, _ = ctx.needs_input_grad
        grad_x = grad_w = grad_b = None
        if need_x:
            grad_x = _norm_input_grad(grad if weight is None else grad * weight, xhat, invstd, dims)
        if need_w:
            grad_w = grad * xhat  # the engine sums it over the batch dims, down to weight's shape
        if need_b:
            grad_b = grad
        return grad_x, None, grad_w, grad_b, None


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):  # noqa: A002
    """Normalise each sample over its last ``len(normalized_shape)`` dims."""
    if not isinstance(normalized_shape, (tuple, list)):
        raise TypeError(f"layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not "
                        f"{type(normalized_shape).__name__}")
    shape = list(normalized_shape)
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and list(t.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t.shape)} and normalized_shape = {shape}")
    if input.ndim < len(shape) or list(input.shape[input.ndim - len(shape):]) != shape:
        raise RuntimeError(f"Given normalized_shape={shape}, expected input with shape [*, "
                           f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"LayerNormKernelImpl\" not implemented for '{input.dtype.legacy_name}'")
    return NativeLayerNorm.apply(input, len(shape), weight, bias, eps)


# --- embedding -----------------------------------------------------------------------------------
class Embedding(BuiltinFunction):
    """out = weight[indices]; d/dweight = g rows added into the looked-up rows (none into padding_idx)"""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        ctx.save_for_backward(indices)
        ctx.num_weights, ctx.padding_idx, ctx.scale = weight._data.shape[0], padding_idx, scale_grad_by_freq
        return weight._data[indices._data]

    @staticmethod
    def backward(ctx, grad):
        indices, = ctx.saved_tensors
        idx = indices._data
        if ctx.padding_idx >= 0 or ctx.scale:
            scale = (idx != ctx.padding_idx).astype(grad.dtype.np)
            if ctx.scale:  # divide each row's gradient by how often its index occurs in the batch
                scale /= np.bincount(idx.reshape(-1), minlength=ctx.num_weights)[idx]
            grad = grad * Tensor._wrap(scale[..., None])
        shape = (ctx.num_weights, grad.shape[-1])
        return IndexAddInto.apply(grad.reshape(-1, shape[1]), shape, (idx.reshape(-1),)), None, None, None


def _embedding_renorm_(weight, indices, max_norm, norm_type):
    """Rescale, in place, the looked-up rows whose ``norm_type``-norm exceeds ``max_norm``."""
    with no_grad():
        rows = np.unique(indices._data)
        norms = np.linalg.norm(weight._data[rows], ord=norm_type, axis=1)
        big = norms > max_norm
        weight._data[rows[big]] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(weight.dtype.np)
        weight._bump_version()


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,  # noqa: A002
              scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` looked up by the integer tensor ``input``. (``sparse=True`` still gives a
    dense gradient: minigrad has no sparse tensors.)"""
    if padding_idx is not None:
        if not -weight.shape[0] <= padding_idx < weight.shape[0]:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= weight.shape[0]
    else:
        padding_idx = -1
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    if input.dtype.name not in ("int64", "int32"):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type()} instead (while checking arguments for embedding)")
    if input.numel() and (input._data.min() < 0 or input._data.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _embedding_renorm_(weight, input, max_norm, norm_type)
    return Embedding.apply(weight, input, padding_idx, scale_grad_by_freq)

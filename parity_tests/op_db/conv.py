"""Registry entries for the convolutional-network ops (minigrad/nn/_conv_ops.py, _pool_ops.py,
_resample_ops.py, _channel_ops.py), called through ``nn.functional`` as a torch script would.
The samples walk every option: stride, padding (ints, pairs, 'same', 'valid'), dilation, groups
(depthwise too), bias, output_padding, ceil_mode, count_include_pad, divisor_override, unbatched
input, each interpolation mode with and without align_corners / antialias.

Tolerances (float32; float64 uses them scaled by 1e-5): a convolution output is a dot product of
k = C/groups * prod(kernel) <= 36 terms of size <= ~4 here, so its rounding error is at most about
k * eps32 * sum|terms| ~ 36 * 6e-8 * 36 ~ 8e-5 -> atol 1e-4 (the weight gradient sums N * L more
terms; test_backward allows 10x). Pooling and resampling mix <= 9 terms with weights <= 1: the
default 1e-5 / 1e-4. Normalisation: as batch_norm in nn_layers.py.
"""
import numpy as np

import minigrad.nn  # noqa: F401 - makes ``minigrad.nn`` reachable as ``lib.nn``

from . import OpInfo, Sample, Rng


def _functional(name):
    """fn(lib, *inputs, **kwargs) = lib.nn.functional.<name>(*inputs, **kwargs); of a (values, indices)
    result the values (the indices are compared in test_nn_conv.py)."""
    def fn(lib, *inputs, **kwargs):
        result = getattr(lib.nn.functional, name)(*inputs, **kwargs)
        return result[0] if isinstance(result, tuple) else result
    return fn


# --- convolution ---------------------------------------------------------------------------------
def _conv2d_samples(dtype):
    rng = Rng(21)
    x, w = lambda *s: rng.normal(s, dtype), lambda *s: rng.normal(s, dtype, 0.5)  # noqa: E731
    yield Sample([x(2, 3, 5, 4), w(4, 3, 3, 2), x(4)])
    yield Sample([x(2, 3, 6, 5), w(4, 3, 3, 3), x(4)], {"stride": 2, "padding": 1})
    yield Sample([x(1, 2, 7, 6), w(3, 2, 2, 3), x(3)], {"stride": (1, 2), "padding": (2, 1), "dilation": (2, 1)})
    yield Sample([x(2, 4, 5, 5), w(6, 2, 3, 3), x(6)], {"groups": 2, "padding": "same"})
    yield Sample([x(2, 3, 5, 5), w(6, 1, 3, 3), None], {"groups": 3, "padding": 1})  # depthwise, no bias
    yield Sample([x(1, 2, 5, 6), w(3, 2, 2, 2), x(3)], {"padding": "same", "dilation": (1, 2)})  # asymmetric
    yield Sample([x(1, 2, 5, 6), w(3, 2, 3, 2), x(3)], {"padding": "valid"})
    yield Sample([x(3, 5, 4), w(2, 3, 2, 2), x(2)], {"stride": 2})  # unbatched (C, H, W)


def _conv1d_samples(dtype):
    rng = Rng(22)
    x, w = lambda *s: rng.normal(s, dtype), lambda *s: rng.normal(s, dtype, 0.5)  # noqa: E731
    yield Sample([x(2, 3, 7), w(4, 3, 3), x(4)])
    yield Sample([x(2, 3, 9), w(4, 3, 2), x(4)], {"stride": 2, "padding": 2, "dilation": 3})
    yield Sample([x(2, 4, 6), w(4, 2, 3), None], {"groups": 2, "padding": "same"})
    yield Sample([x(3, 6), w(2, 3, 4), x(2)], {"padding": "same"})  # unbatched, even kernel


def _conv_transpose2d_samples(dtype):
    rng = Rng(23)
    x, w = lambda *s: rng.normal(s, dtype), lambda *s: rng.normal(s, dtype, 0.5)  # noqa: E731
    yield Sample([x(2, 3, 4, 3), w(3, 2, 3, 2), x(2)])
    yield Sample([x(2, 3, 3, 4), w(3, 2, 3, 3), x(2)], {"stride": 2, "padding": 1, "output_padding": 1})
    yield Sample([x(1, 2, 3, 3), w(2, 3, 2, 3), x(3)], {"stride": (2, 3), "dilation": (2, 1),
                                                         "output_padding": (1, 2)})
    yield Sample([x(2, 4, 3, 3), w(4, 2, 3, 3), None], {"groups": 2, "padding": (1, 0)})
    yield Sample([x(3, 2, 3), w(3, 2, 2, 2), x(2)], {"stride": 2})  # unbatched
    # output_padding >= stride (allowed below the dilation): the input gradient is cropped
    yield Sample([x(1, 2, 3, 2), w(2, 2, 2, 2), x(2)], {"dilation": 2, "output_padding": (1, 0)})


def _conv_transpose1d_samples(dtype):
    rng = Rng(24)
    x, w = lambda *s: rng.normal(s, dtype), lambda *s: rng.normal(s, dtype, 0.5)  # noqa: E731
    yield Sample([x(2, 3, 5), w(3, 4, 3), x(4)])
    yield Sample([x(2, 4, 4), w(4, 1, 3), x(2)], {"stride": 3, "padding": 1, "output_padding": 2, "groups": 2})


def _unfold_samples(dtype):
    rng = Rng(25)
    yield Sample([rng.normal((2, 3, 5, 4), dtype)], {"kernel_size": 2})
    yield Sample([rng.normal((1, 2, 6, 7), dtype)], {"kernel_size": (2, 3), "dilation": (1, 2), "padding": 1,
                                                     "stride": 2})
    yield Sample([rng.normal((2, 4, 4), dtype)], {"kernel_size": 3, "padding": 1})  # unbatched


def _fold_samples(dtype):
    rng = Rng(26)
    yield Sample([rng.normal((2, 12, 12), dtype)], {"output_size": (4, 5), "kernel_size": 2})
    yield Sample([rng.normal((1, 12, 12), dtype)], {"output_size": (6, 7), "kernel_size": (2, 3),
                                                    "dilation": (1, 2), "padding": 1, "stride": 2})
    yield Sample([rng.normal((18, 16), dtype)], {"output_size": 4, "kernel_size": 3, "padding": 1})


# --- pooling -------------------------------------------------------------------------------------
def _max_pool2d_samples(dtype):
    rng = Rng(27)
    x = lambda *s: rng.normal(s, dtype)  # noqa: E731 - continuous values: no ties, no kinks in gradcheck
    yield Sample([x(2, 3, 6, 6)], {"kernel_size": 2})
    yield Sample([x(2, 2, 7, 6)], {"kernel_size": 3, "stride": 2, "padding": 1})
    yield Sample([x(1, 2, 7, 8)], {"kernel_size": (2, 3), "stride": (2, 1), "dilation": (2, 1), "ceil_mode": True})
    yield Sample([x(1, 2, 6, 6)], {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True})
    yield Sample([x(2, 5, 5)], {"kernel_size": 2, "return_indices": True})  # unbatched, (values, indices)


def _max_pool1d_samples(dtype):
    rng = Rng(28)
    yield Sample([rng.normal((2, 3, 8), dtype)], {"kernel_size": 2})
    yield Sample([rng.normal((2, 3, 9), dtype)], {"kernel_size": 3, "stride": 2, "padding": 1, "dilation": 2,
                                                  "ceil_mode": True, "return_indices": True})


def _max_unpool2d_samples(dtype):
    """Values with indices a 2x2 max pool of a 4x6 (or 5x7) plane could give: one position per window."""
    rng = Rng(29)
    for out_size in (None, (5, 7)):
        rows, cols = np.meshgrid(np.arange(2) * 2, np.arange(3) * 2, indexing="ij")
        offsets = rng.integers(0, 2, (2, 3, 2, 3, 2))
        width = 6 if out_size is None else 7
        indices = (rows + offsets[..., 0]) * width + cols + offsets[..., 1]
        kwargs = {"kernel_size": 2} if out_size is None else {"kernel_size": 2, "output_size": out_size}
        yield Sample([rng.normal((2, 3, 2, 3), dtype), indices], kwargs, grad=[True, False])


def _avg_pool2d_samples(dtype):
    rng = Rng(30)
    x = lambda *s: rng.normal(s, dtype)  # noqa: E731
    yield Sample([x(2, 3, 6, 6)], {"kernel_size": 2})
    yield Sample([x(2, 2, 7, 6)], {"kernel_size": 3, "stride": 2, "padding": 1})
    yield Sample([x(2, 2, 7, 6)], {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False})
    yield Sample([x(1, 2, 7, 8)], {"kernel_size": (2, 3), "stride": (2, 1), "ceil_mode": True})
    yield Sample([x(1, 2, 5, 5)], {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                                   "count_include_pad": False})
    yield Sample([x(2, 5, 5)], {"kernel_size": 2, "divisor_override": 3})  # unbatched


def _avg_pool1d_samples(dtype):
    rng = Rng(31)
    yield Sample([rng.normal((2, 3, 8), dtype)], {"kernel_size": 2})
    yield Sample([rng.normal((2, 3, 9), dtype)], {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                                                  "count_include_pad": False})


def _adaptive_samples(sizes, shape):
    def samples(dtype):
        rng = Rng(32)
        for size in sizes:
            yield Sample([rng.normal(shape, dtype)], {"output_size": size})
    return samples


def _adaptive_max_samples(sizes, shape):
    def samples(dtype):
        yield from _adaptive_samples(sizes, shape)(dtype)
        yield Sample([Rng(33).normal(shape, dtype)], {"output_size": sizes[0], "return_indices": True})
    return samples


# --- resampling ----------------------------------------------------------------------------------
def _interpolate_samples(dtype):
    rng = Rng(34)
    x = lambda *s: rng.normal(s, dtype)  # noqa: E731
    yield Sample([x(2, 3, 4, 5)], {"scale_factor": 2})
    yield Sample([x(1, 2, 4, 5)], {"size": (7, 3)})
    yield Sample([x(1, 2, 4, 5)], {"scale_factor": (1.7, 0.6)})
    yield Sample([x(2, 3, 7)], {"scale_factor": 1.5})
    yield Sample([x(2, 3, 4, 5)], {"scale_factor": 2, "mode": "bilinear"})
    yield Sample([x(1, 2, 4, 5)], {"size": (7, 9), "mode": "bilinear", "align_corners": True})
    yield Sample([x(1, 2, 4, 5)], {"scale_factor": 1.3, "mode": "bilinear", "recompute_scale_factor": True})
    yield Sample([x(1, 2, 8, 9)], {"scale_factor": 0.5, "mode": "bilinear", "antialias": True})
    yield Sample([x(1, 2, 8, 9)], {"size": (3, 12), "mode": "bilinear", "antialias": True, "align_corners": True})
    yield Sample([x(2, 3, 5)], {"size": 8, "mode": "linear"})
    yield Sample([x(2, 3, 5)], {"scale_factor": 0.7, "mode": "linear", "align_corners": True})


def _pixel_shuffle_samples(dtype):
    rng = Rng(35)
    yield Sample([rng.normal((2, 8, 3, 2), dtype)], {"upscale_factor": 2})
    yield Sample([rng.normal((9, 2, 2), dtype)], {"upscale_factor": 3})


def _pixel_unshuffle_samples(dtype):
    rng = Rng(36)
    yield Sample([rng.normal((2, 2, 4, 6), dtype)], {"downscale_factor": 2})
    yield Sample([rng.normal((1, 6, 3), dtype)], {"downscale_factor": 3})


# --- normalisation and channel dropout -----------------------------------------------------------
def _group_norm_samples(dtype):
    rng = Rng(37)
    yield Sample([rng.normal((2, 6, 3, 4), dtype), rng.positive((6,), dtype), rng.normal((6,), dtype)],
                 {"num_groups": 3})
    yield Sample([rng.normal((3, 4, 5), dtype), None, None], {"num_groups": 4, "eps": 1e-3})
    yield Sample([rng.normal((2, 4), dtype), rng.positive((4,), dtype), None], {"num_groups": 2})


def _group_norm(lib, x, weight, bias, num_groups, **kwargs):
    return lib.nn.functional.group_norm(x, num_groups, weight, bias, **kwargs)


def _instance_norm_samples(dtype):
    rng = Rng(38)
    yield Sample([rng.normal((2, 3, 4, 5), dtype), rng.positive((3,), dtype), rng.normal((3,), dtype)])
    yield Sample([rng.normal((2, 3, 6), dtype), None, None], {"eps": 1e-3})
    yield Sample([rng.normal((2, 3, 4, 4), dtype), rng.positive((3,), dtype), rng.normal((3,), dtype),
                  rng.normal((3,), dtype), rng.positive((3,), dtype)], {"momentum": 0.3},
                 grad=[True, True, True, False, False])


def _instance_norm(lib, x, weight, bias, running_mean=None, running_var=None, **kwargs):
    return lib.nn.functional.instance_norm(x, running_mean, running_var, weight, bias, **kwargs)


def _feature_dropout_samples(dtype):
    rng = Rng(39)
    yield Sample([rng.normal((2, 3, 4, 4), dtype)], {"p": 1.0})  # deterministic; seeded masks: test_nn_conv


OPS = [
    OpInfo("nn.functional.conv2d", _functional("conv2d"), _conv2d_samples, atol=1e-4),
    OpInfo("nn.functional.conv1d", _functional("conv1d"), _conv1d_samples, atol=1e-4),
    OpInfo("nn.functional.conv_transpose2d", _functional("conv_transpose2d"), _conv_transpose2d_samples, atol=1e-4),
    OpInfo("nn.functional.conv_transpose1d", _functional("conv_transpose1d"), _conv_transpose1d_samples, atol=1e-4),
    OpInfo("nn.functional.unfold", _functional("unfold"), _unfold_samples),
    OpInfo("nn.functional.fold", _functional("fold"), _fold_samples),
    OpInfo("nn.functional.max_pool2d", _functional("max_pool2d"), _max_pool2d_samples),
    OpInfo("nn.functional.max_pool1d", _functional("max_pool1d"), _max_pool1d_samples),
    OpInfo("nn.functional.max_unpool2d", _functional("max_unpool2d"), _max_unpool2d_samples),
    OpInfo("nn.functional.avg_pool2d", _functional("avg_pool2d"), _avg_pool2d_samples),
    OpInfo("nn.functional.avg_pool1d", _functional("avg_pool1d"), _avg_pool1d_samples),
    OpInfo("nn.functional.adaptive_avg_pool2d", _functional("adaptive_avg_pool2d"),
           _adaptive_samples([(3, 2), 1, (None, 3), (5, 7)], (2, 3, 5, 7))),
    OpInfo("nn.functional.adaptive_avg_pool1d", _functional("adaptive_avg_pool1d"),
           _adaptive_samples([3, 1, 7], (2, 3, 7))),
    OpInfo("nn.functional.adaptive_max_pool2d", _functional("adaptive_max_pool2d"),
           _adaptive_max_samples([(3, 2), 1, (None, 4)], (2, 3, 5, 7))),
    OpInfo("nn.functional.adaptive_max_pool1d", _functional("adaptive_max_pool1d"),
           _adaptive_max_samples([3, 5], (2, 3, 7))),
    OpInfo("nn.functional.interpolate", _functional("interpolate"), _interpolate_samples),
    OpInfo("nn.functional.pixel_shuffle", _functional("pixel_shuffle"), _pixel_shuffle_samples),
    OpInfo("nn.functional.pixel_unshuffle", _functional("pixel_unshuffle"), _pixel_unshuffle_samples),
    OpInfo("nn.functional.group_norm", _group_norm, _group_norm_samples, atol=1e-4, rtol=1e-3),
    OpInfo("nn.functional.instance_norm", _instance_norm, _instance_norm_samples, atol=1e-4, rtol=1e-3),
    OpInfo("nn.functional.dropout2d", _functional("dropout2d"), _feature_dropout_samples),
    OpInfo("nn.functional.dropout1d", _functional("dropout1d"),
           lambda dtype: (Sample([s.inputs[0][:, :, 0]], s.kwargs) for s in _feature_dropout_samples(dtype))),
]

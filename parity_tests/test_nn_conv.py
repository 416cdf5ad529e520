"""The convolutional-network layers against torch.nn: convolution, pooling, normalisation, channel
dropout, resampling, fold/unfold, pixel shuffle.

As in test_nn_modules.py: the same layer built with ``lib.nn`` for both libraries, torch's weights
copied into minigrad, then forward values, the input's and every parameter's gradient, buffers,
state_dict names/shapes, reprs, errors; and, with the same seed, bit-identical default
initialisation and dropout masks (minigrad draws torch's random numbers in torch's order).
"""
import math
import re

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn  # noqa: F401 - makes minigrad.nn reachable as lib.nn
from _compare import assert_close, outcome, skip_unless_avx2_rng
from test_nn_modules import _check_step, _input, _twin

LIBS = (minigrad, torch)

# name -> (build(lib), input shape). Layers are small: float32 sums of <= 27 terms (see op_db/conv.py).
LAYER_CASES = {
    "conv2d": (lambda lib: lib.nn.Conv2d(3, 4, 3), (2, 3, 6, 5)),
    "conv2d_chapter": (lambda lib: lib.nn.Conv2d(3, 4, kernel_size=3, padding=1), (2, 3, 6, 6)),
    "conv2d_options": (lambda lib: lib.nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(1, 2),
                                                 groups=2, bias=False), (2, 4, 7, 6)),
    "conv2d_depthwise": (lambda lib: lib.nn.Conv2d(3, 6, 3, groups=3, padding="same"), (2, 3, 5, 5)),
    "conv2d_valid": (lambda lib: lib.nn.Conv2d(2, 3, 2, padding="valid"), (1, 2, 4, 5)),
    "conv2d_reflect": (lambda lib: lib.nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect"), (2, 2, 5, 4)),
    "conv2d_replicate": (lambda lib: lib.nn.Conv2d(2, 3, 3, padding=(2, 1), padding_mode="replicate"), (1, 2, 5, 4)),
    "conv2d_circular": (lambda lib: lib.nn.Conv2d(2, 3, 3, stride=2, padding=1, padding_mode="circular"),
                        (1, 2, 5, 6)),
    "conv2d_same_reflect": (lambda lib: lib.nn.Conv2d(2, 3, (3, 4), padding="same", padding_mode="reflect"),
                            (1, 2, 5, 6)),
    "conv2d_unbatched": (lambda lib: lib.nn.Conv2d(2, 3, 3), (2, 5, 4)),
    "conv1d": (lambda lib: lib.nn.Conv1d(3, 4, 3, stride=2, padding=1), (2, 3, 9)),
    "conv1d_circular": (lambda lib: lib.nn.Conv1d(2, 4, 3, padding=2, dilation=2, groups=2, padding_mode="circular"),
                        (2, 2, 7)),
    "conv_transpose2d": (lambda lib: lib.nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1),
                         (2, 3, 4, 3)),
    "conv_transpose2d_groups": (lambda lib: lib.nn.ConvTranspose2d(4, 2, (2, 3), groups=2, dilation=(2, 1),
                                                                   bias=False), (1, 4, 3, 3)),
    "conv_transpose1d": (lambda lib: lib.nn.ConvTranspose1d(3, 2, 4, stride=3, output_padding=2), (2, 3, 5)),
    "maxpool2d": (lambda lib: lib.nn.MaxPool2d(2), (2, 3, 6, 6)),
    "maxpool2d_options": (lambda lib: lib.nn.MaxPool2d(3, stride=2, padding=1, dilation=1, ceil_mode=True),
                          (2, 2, 6, 7)),
    "maxpool1d": (lambda lib: lib.nn.MaxPool1d(3, 2, padding=1, dilation=2), (2, 3, 9)),
    "avgpool2d": (lambda lib: lib.nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), (2, 2, 7, 6)),
    "avgpool2d_ceil": (lambda lib: lib.nn.AvgPool2d(2, ceil_mode=True, divisor_override=3), (1, 2, 5, 5)),
    "avgpool1d": (lambda lib: lib.nn.AvgPool1d(3, 2, 1, ceil_mode=True), (2, 3, 8)),
    "adaptive_avg2d": (lambda lib: lib.nn.AdaptiveAvgPool2d((3, None)), (2, 3, 7, 5)),
    "adaptive_avg1d": (lambda lib: lib.nn.AdaptiveAvgPool1d(4), (2, 3, 7)),
    "adaptive_max2d": (lambda lib: lib.nn.AdaptiveMaxPool2d(3), (2, 3, 7, 5)),
    "adaptive_max1d": (lambda lib: lib.nn.AdaptiveMaxPool1d(3), (2, 3, 8)),
    "batchnorm2d": (lambda lib: lib.nn.BatchNorm2d(3), (4, 3, 3, 2)),
    "batchnorm2d_eval": (lambda lib: lib.nn.BatchNorm2d(3, momentum=None).eval(), (4, 3, 3, 2)),
    "groupnorm": (lambda lib: lib.nn.GroupNorm(2, 4), (3, 4, 3, 3)),
    "groupnorm_no_affine": (lambda lib: lib.nn.GroupNorm(4, 4, affine=False), (3, 4, 5)),
    "instancenorm2d": (lambda lib: lib.nn.InstanceNorm2d(3), (2, 3, 4, 4)),
    "instancenorm2d_affine_tracked": (lambda lib: lib.nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
                                      (2, 3, 4, 4)),
    "instancenorm2d_tracked_eval": (lambda lib: lib.nn.InstanceNorm2d(3, track_running_stats=True).eval(),
                                    (2, 3, 4, 4)),
    "instancenorm2d_unbatched": (lambda lib: lib.nn.InstanceNorm2d(3, affine=True), (3, 4, 4)),
    "instancenorm1d": (lambda lib: lib.nn.InstanceNorm1d(3, affine=True), (2, 3, 6)),
    "dropout2d_eval": (lambda lib: lib.nn.Dropout2d(0.5).eval(), (2, 3, 2, 2)),
    "dropout1d_p1": (lambda lib: lib.nn.Dropout1d(1.0), (2, 3, 4)),
    "upsample_nearest": (lambda lib: lib.nn.Upsample(scale_factor=2), (2, 3, 3, 4)),
    "upsample_bilinear": (lambda lib: lib.nn.Upsample(size=(5, 7), mode="bilinear"), (2, 3, 3, 4)),
    "upsampling_bilinear2d": (lambda lib: lib.nn.UpsamplingBilinear2d(scale_factor=2), (2, 3, 3, 4)),
    "upsample_linear": (lambda lib: lib.nn.Upsample(scale_factor=1.5, mode="linear", align_corners=True), (2, 3, 4)),
    "unfold": (lambda lib: lib.nn.Unfold((2, 3), padding=1, stride=2), (2, 3, 5, 6)),
    "fold": (lambda lib: lib.nn.Fold((4, 5), 2), (2, 12, 12)),
    "pixel_shuffle": (lambda lib: lib.nn.PixelShuffle(2), (2, 8, 3, 2)),
    "pixel_unshuffle": (lambda lib: lib.nn.PixelUnshuffle(2), (2, 2, 4, 6)),
    "chapter_features": (lambda lib: lib.nn.Sequential(
        lib.nn.Conv2d(3, 4, kernel_size=3, padding=1), lib.nn.ELU(), lib.nn.MaxPool2d(kernel_size=2),
        lib.nn.Conv2d(4, 6, kernel_size=3, padding=1), lib.nn.ELU(), lib.nn.MaxPool2d(kernel_size=2),
        lib.nn.Flatten(), lib.nn.Linear(6 * 2 * 2, 3)), (2, 3, 8, 8)),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(LAYER_CASES))
def test_layer_matches_torch(name, dtype):
    build, shape = LAYER_CASES[name]
    ours, theirs = _twin(build, dtype)
    x_ours, x_theirs = _input(shape, dtype)
    _check_step(ours, theirs, x_ours, x_theirs, dtype)
    _check_step(ours, theirs, *_input(shape, dtype, seed=2), dtype)  # a second step: running stats move on
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(v.shape), str(v.dtype)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape), str(v.dtype)) for k, v in theirs.state_dict().items()]


# --- seeded default initialisation, bit for bit -------------------------------------------------
INIT_CASES = {
    "conv1d": lambda lib: lib.nn.Conv1d(3, 8, 5),
    "conv2d": lambda lib: lib.nn.Conv2d(3, 16, 3, padding=1),
    "conv2d_groups_no_bias": lambda lib: lib.nn.Conv2d(4, 6, (3, 2), groups=2, bias=False),
    "conv2d_depthwise": lambda lib: lib.nn.Conv2d(8, 8, 3, groups=8),
    "conv_transpose1d": lambda lib: lib.nn.ConvTranspose1d(4, 3, 3),
    "conv_transpose2d_groups": lambda lib: lib.nn.ConvTranspose2d(4, 6, 3, groups=2),
    "batchnorm2d": lambda lib: lib.nn.BatchNorm2d(5),
    "groupnorm": lambda lib: lib.nn.GroupNorm(2, 6),
    "instancenorm2d": lambda lib: lib.nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
    "chapter_net": lambda lib: lib.nn.Sequential(
        lib.nn.Conv2d(3, 32, kernel_size=3, padding=1), lib.nn.ELU(), lib.nn.MaxPool2d(kernel_size=2),
        lib.nn.Conv2d(32, 64, kernel_size=3, padding=1), lib.nn.ELU(), lib.nn.MaxPool2d(kernel_size=2),
        lib.nn.Flatten(), lib.nn.Linear(64 * 4 * 4, 7)),
}
# The normalisation layers start from ones and zeros; the others draw kaiming_uniform_ / uniform_, which
# replays torch's AVX2-build kernel and is skipped where torch runs another build.
DRAWS = skip_unless_avx2_rng("uniform_(a, b) as one fused multiply-add")
NO_DRAWS = {"batchnorm2d", "groupnorm", "instancenorm2d"}


@pytest.mark.parametrize("name", [name if name in NO_DRAWS else pytest.param(name, marks=DRAWS)
                                  for name in INIT_CASES])
def test_seeded_init_is_torchs(name):
    states = []
    for lib in LIBS:
        lib.manual_seed(7)
        states.append(INIT_CASES[name](lib).state_dict())
    ours, theirs = states
    assert list(ours) == list(theirs)
    for key in theirs:
        assert np.array_equal(ours[key].numpy(), theirs[key].numpy()), key


# --- channel dropout masks, bit for bit ----------------------------------------------------------
@pytest.mark.parametrize("layer,shape", [("Dropout2d", (4, 6, 3, 3)), ("Dropout1d", (4, 6, 5)), ("Dropout1d", (6, 5)),
                                         ("Dropout2d", (3, 5, 7))])
@pytest.mark.parametrize("p", [0.2, 0.5])
def test_seeded_channel_dropout_is_torchs(layer, shape, p):
    outs = []
    for lib in LIBS:
        lib.manual_seed(3)
        x = lib.ones(shape, dtype=lib.float32, requires_grad=True)
        with pytest.warns(UserWarning) if (layer, len(shape)) == ("Dropout2d", 3) else _nothing():
            out = getattr(lib.nn, layer)(p)(x)
        out.sum().backward()
        outs.append((out.detach().numpy(), x.grad.numpy(), lib.rand(3).numpy()))  # the stream after it, too
    for a, b in zip(*outs):
        assert np.array_equal(a, b)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_inplace_channel_dropout_is_torchs():
    outs = []
    for lib in LIBS:
        lib.manual_seed(5)
        x = lib.ones(3, 4, 2, 2)
        y = lib.nn.functional.dropout2d(x, 0.5, inplace=True)
        outs.append((x.numpy(), y is x))
    assert np.array_equal(outs[0][0], outs[1][0]) and outs[0][1] == outs[1][1]


# --- indices, unpooling, output_size -------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda F, x: F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, return_indices=True),
    lambda F, x: F.max_pool2d(x[0], (2, 3), dilation=(2, 1), return_indices=True),
    lambda F, x: F.max_pool1d(x[:, :, 0], 3, 2, return_indices=True),
    lambda F, x: F.adaptive_max_pool2d(x, (3, 4), return_indices=True),
    lambda F, x: F.adaptive_max_pool1d(x[:, :, 1], 4, return_indices=True),
])
def test_max_pool_indices_are_torchs(call):
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 8)).astype(np.float32)
    (vo, io), (vt, it) = (call(lib.nn.functional, lib.tensor(x)) for lib in LIBS)
    assert_close(vo, vt, 0, 0, "values")
    assert_close(io, it, 0, 0, "indices")


def test_max_unpool_inverts_max_pool_like_torch():
    x = np.random.default_rng(1).standard_normal((2, 3, 5, 7)).astype(np.float32)
    results = []
    for lib in LIBS:
        out, idx = lib.nn.MaxPool2d(2, return_indices=True)(lib.tensor(x))
        results.append(lib.nn.MaxUnpool2d(2)(out, idx, output_size=(5, 7)))
    assert_close(*results, 0, 0, "unpooled")


def test_conv_transpose_output_size_like_torch():
    x_o, x_t = _input((1, 3, 4, 4), "float32")
    ours, theirs = _twin(lambda lib: lib.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1))
    for size in ([7, 7], [8, 8], [1, 2, 8, 7]):
        assert_close(ours(x_o, output_size=size), theirs(x_t, output_size=size), 1e-5, 1e-4, str(size))
    assert outcome(lambda lib: (ours if lib is minigrad else theirs)(x_o if lib is minigrad else x_t,
                                                                     output_size=[9, 9]), minigrad) == \
        outcome(lambda lib: (ours if lib is minigrad else theirs)(x_o if lib is minigrad else x_t,
                                                                 output_size=[9, 9]), torch)


# --- bad input: torch's exception type and message ----------------------------------------------
ERROR_CASES = {
    "conv_channels": lambda lib: lib.nn.functional.conv2d(lib.ones(1, 3, 5, 5), lib.ones(4, 2, 3, 3)),
    "conv_kernel_too_big": lambda lib: lib.nn.functional.conv2d(lib.ones(1, 2, 2, 2), lib.ones(4, 2, 3, 3)),
    "conv_input_rank": lambda lib: lib.nn.functional.conv2d(lib.ones(5, 5), lib.ones(4, 2, 3, 3)),
    "conv_same_strided": lambda lib: lib.nn.functional.conv2d(lib.ones(1, 2, 5, 5), lib.ones(4, 2, 3, 3),
                                                              stride=2, padding="same"),
    "conv_bad_padding_string": lambda lib: lib.nn.functional.conv1d(lib.ones(1, 2, 5), lib.ones(4, 2, 3),
                                                                    padding="full"),
    "conv_transpose_output_padding": lambda lib: lib.nn.functional.conv_transpose2d(
        lib.ones(1, 1, 5, 5), lib.ones(1, 1, 3, 3), output_padding=1),
    "conv_transpose_same": lambda lib: lib.nn.functional.conv_transpose2d(lib.ones(1, 1, 3, 3), lib.ones(1, 1, 3, 3),
                                                                          padding="same"),
    "conv_transpose1d_output_padding": lambda lib: lib.nn.functional.conv_transpose1d(
        lib.ones(1, 1, 5), lib.ones(1, 1, 3), output_padding=1),
    "conv_module_groups": lambda lib: lib.nn.Conv2d(3, 4, 3, groups=2),
    "conv_module_same_strided": lambda lib: lib.nn.Conv2d(3, 4, 3, stride=2, padding="same"),
    "conv_module_padding_mode": lambda lib: lib.nn.Conv2d(3, 4, 3, padding_mode="mirror"),
    "conv_module_padding_string": lambda lib: lib.nn.Conv1d(3, 4, 3, padding="full"),
    "conv_transpose_padding_mode": lambda lib: lib.nn.ConvTranspose2d(3, 4, 3, padding_mode="reflect"),
    "pool_pad_too_big": lambda lib: lib.nn.functional.max_pool2d(lib.ones(1, 1, 5, 5), 2, padding=2),
    "pool_pad_over_half_kernel": lambda lib: lib.nn.functional.max_pool2d(lib.ones(1, 1, 9, 9), (3, 2), padding=(2, 0),
                                                                          dilation=(2, 1)),
    "pool_output_too_small": lambda lib: lib.nn.functional.avg_pool2d(lib.ones(1, 1, 5, 5), 7),
    "pool_zero_stride": lambda lib: lib.nn.functional.max_pool2d(lib.ones(1, 1, 5, 5), 2, stride=0),
    "unpool_output_size": lambda lib: lib.nn.functional.max_unpool2d(
        lib.ones(1, 1, 2, 2), lib.zeros(1, 1, 2, 2, dtype=lib.int64), 2, output_size=(9, 9)),
    "groupnorm_groups": lambda lib: lib.nn.GroupNorm(3, 4),
    "group_norm_channels": lambda lib: lib.nn.functional.group_norm(lib.ones(2, 6, 3), 4),
    "instance_norm_one_element": lambda lib: lib.nn.functional.instance_norm(lib.ones(2, 3, 1, 1)),
    "batchnorm2d_rank": lambda lib: lib.nn.BatchNorm2d(3)(lib.ones(2, 3, 4)),
    "instancenorm2d_rank": lambda lib: lib.nn.InstanceNorm2d(3)(lib.ones(2, 3)),
    "instancenorm_affine_features": lambda lib: lib.nn.InstanceNorm2d(4, affine=True)(lib.ones(2, 3, 4, 4)),
    "dropout1d_rank": lambda lib: lib.nn.functional.dropout1d(lib.ones(2, 3, 4, 5)),
    "dropout2d_p": lambda lib: lib.nn.Dropout2d(1.5),
    "interpolate_size_and_scale": lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 4, 4), size=3,
                                                                            scale_factor=2),
    "interpolate_no_size": lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 4, 4)),
    "interpolate_nearest_align": lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 4, 4), scale_factor=2,
                                                                           align_corners=True),
    "interpolate_antialias_nearest": lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 4, 4), size=2,
                                                                               antialias=True),
    "interpolate_size_rank": lambda lib: lib.nn.functional.interpolate(lib.ones(1, 1, 4, 4), size=(2, 2, 2)),
    "pixel_shuffle_channels": lambda lib: lib.nn.functional.pixel_shuffle(lib.ones(1, 3, 2, 2), 2),
    "pixel_unshuffle_height": lambda lib: lib.nn.functional.pixel_unshuffle(lib.ones(1, 1, 3, 4), 2),
    "fold_blocks": lambda lib: lib.nn.functional.fold(lib.ones(1, 12, 10), (4, 5), 2),
    "fold_kernel": lambda lib: lib.nn.functional.fold(lib.ones(1, 10, 12), (4, 5), 2),
}


def _sets_sorted(message):
    """torch prints some choices as a Python set, whose order varies between processes: sort it."""
    return re.sub(r"\{([^{}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}", message)


@pytest.mark.parametrize("name", list(ERROR_CASES))
def test_bad_input_raises_like_torch(name):
    ours, theirs = (outcome(ERROR_CASES[name], lib) for lib in LIBS)
    assert theirs[0] is not None, "the case must make torch raise"
    assert ours[0] is theirs[0] and _sets_sorted(ours[1]) == _sets_sorted(theirs[1])


@pytest.mark.parametrize("kwargs", [{"kernel_size": 2}, {"kernel_size": 3, "stride": 1, "padding": 1}])
def test_max_pool_ties_and_nans_pick_torchs_index(kwargs):
    """Ties: the first maximum in the window wins; NaN: it wins over numbers (the last NaN), as torch's kernel."""
    x = np.random.default_rng(3).integers(0, 3, (2, 2, 6, 6)).astype(np.float32)  # many ties
    x[0, 0, 1, 1] = x[1, 1, 4, 5] = x[1, 1, 5, 4] = np.nan
    (vo, io), (vt, it) = (lib.nn.functional.max_pool2d(lib.tensor(x), return_indices=True, **kwargs) for lib in LIBS)
    assert_close(vo, vt, 0, 0, "values")
    assert_close(io, it, 0, 0, "indices")


# --- generated geometries: every combination of the window arithmetic ----------------------------
from hypothesis import assume, given, strategies as st  # noqa: E402


@st.composite
def _geometries(draw, transposed=False):
    """A 2-d window geometry that torch accepts: sizes, kernel, stride, padding, dilation, groups."""
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(2))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(2))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(2))
    padding = tuple(draw(st.integers(0, (dl * (k - 1)) // 2 + 1)) for k, dl in zip(kernel, dilation))
    size = tuple(draw(st.integers(max(dl * (k - 1) + 1 - 2 * p, 1), 7))
                 for k, dl, p in zip(kernel, dilation, padding))
    output_padding = tuple(draw(st.integers(0, max(s, dl) - 1)) for s, dl in zip(stride, dilation)) \
        if transposed else None
    return dict(batch=draw(st.integers(1, 2)), c_in=c_in, c_out=c_out, size=size, kernel=kernel, stride=stride,
                padding=padding, dilation=dilation, groups=groups, output_padding=output_padding)


def _grads_match(call, arrays):
    """call(lib, *tensors) on both libraries in float64: output and every input's gradient; or, where
    torch rejects the geometry, the same exception."""
    errors = [outcome(lambda lib: call(lib, *[lib.tensor(a) for a in arrays]), lib) for lib in LIBS]
    if errors[1][0] is not None:
        assert errors[0] == errors[1]
        return
    results = []
    for lib in LIBS:
        tensors = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = call(lib, *tensors)
        w = np.random.default_rng(0).standard_normal(tuple(out.shape))
        (out * lib.tensor(w)).sum().backward()
        results.append([out] + [t.grad for t in tensors])
    for k, (a, b) in enumerate(zip(*results)):
        assert_close(a, b, 1e-12, 1e-10, "output" if k == 0 else f"grad of input {k - 1}")


@given(_geometries())
def test_generated_conv2d_geometries(g):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((g["batch"], g["c_in"]) + g["size"])
    w = rng.standard_normal((g["c_out"], g["c_in"] // g["groups"]) + g["kernel"])
    b = rng.standard_normal(g["c_out"])
    _grads_match(lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b, g["stride"], g["padding"], g["dilation"],
                                                               g["groups"]), [x, w, b])


@given(_geometries(transposed=True))
def test_generated_conv_transpose2d_geometries(g):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((g["batch"], g["c_in"]) + g["size"])
    w = rng.standard_normal((g["c_in"], g["c_out"] // g["groups"]) + g["kernel"])
    _grads_match(lambda lib, x, w: lib.nn.functional.conv_transpose2d(
        x, w, None, g["stride"], g["padding"], g["output_padding"], g["groups"], g["dilation"]), [x, w])


@given(_geometries(), st.booleans(), st.booleans())
def test_generated_pool_geometries(g, ceil_mode, count_include_pad):
    kernel, stride, dilation = g["kernel"], g["stride"], g["dilation"]
    padding = tuple(min(p, k // 2) for p, k in zip(g["padding"], kernel))  # torch's limit
    x = np.random.default_rng(3).standard_normal((g["batch"], g["c_in"]) + g["size"])
    max_pool = lambda lib, x: lib.nn.functional.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)  # noqa
    # a window that dilation puts wholly on padding: torch gives -inf and an index outside the plane
    assume(outcome(lambda lib: max_pool(lib, lib.tensor(x)), torch)[0] or torch.isfinite(max_pool(torch, torch.tensor(x))).all())
    _grads_match(max_pool, [x])
    _grads_match(lambda lib, x: lib.nn.functional.avg_pool2d(x, kernel, stride, padding, ceil_mode,
                                                             count_include_pad), [x])


@given(st.integers(1, 9), st.integers(1, 9), st.sampled_from(["nearest", "bilinear", "bilinear-aa"]),
       st.one_of(st.tuples(st.integers(1, 12), st.integers(1, 12)),
                 st.tuples(st.floats(0.3, 3.0), st.floats(0.3, 3.0))),
       st.booleans(), st.booleans())
def test_generated_interpolations(h, w, mode, target, align_corners, recompute):
    """Every size/scale pairing: output size, source indices and weights as torch computes them."""
    x = np.random.default_rng(4).standard_normal((1, 2, h, w))
    kwargs = {"mode": mode.split("-")[0], "antialias": mode.endswith("aa")}
    if isinstance(target[0], int):
        kwargs["size"] = target
    else:
        kwargs["scale_factor"], kwargs["recompute_scale_factor"] = target, recompute
    # torch 2.13's antialiased kernel repeats output row 0 down the image when the output is one
    # pixel wide (e.g. [[1], [2]] -> [[1], [1], [1]]): a torch bug minigrad does not copy
    out_w = target[1] if isinstance(target[0], int) else math.floor(w * target[1])
    assume(not (kwargs["antialias"] and out_w == 1))
    # and its antialiased backward does not skip a dim that keeps its size under a scale factor != 1
    # (the forward does): that gradient is not the forward's derivative, so minigrad keeps the derivative
    if kwargs["antialias"] and "scale_factor" in kwargs and not recompute:
        assume(all(math.floor(n * f) != n or f == 1.0 for n, f in zip((h, w), target)))
    if kwargs["mode"] == "bilinear":
        kwargs["align_corners"] = align_corners
    _grads_match(lambda lib, x: lib.nn.functional.interpolate(x, **kwargs), [x])

"""``nn.utils`` against torch: gradient clipping (by total norm and by value) and the
parameters <-> vector conversions."""
import math

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.utils
from _compare import accumulation_bound, elementwise_rtol, eps


_rng = np.random.default_rng(5)
SHAPES = [(3, 4), (4,), (2, 2, 3)]


def params_with_grads(lib, dtype, scale=1.0, with_none=False):
    params = []
    for i, shape in enumerate(SHAPES):
        p = lib.tensor(_rng_values(shape, i).astype(dtype), requires_grad=True)
        if not (with_none and i == 1):
            p.grad = lib.tensor((_rng_values(shape, i + 10) * scale).astype(dtype))
        params.append(p)
    return params


def _rng_values(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape)


def grads(params):
    return [None if p.grad is None else p.grad.numpy() for p in params]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, float("inf"), "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
@pytest.mark.parametrize("with_none", [False, True])
def test_clip_grad_norm_matches_torch(dtype, norm_type, max_norm, with_none):
    # The norm sums |g|**p over every gradient element (n_terms, all non-negative: relative to the
    # result), with a pow per term and a root (3 math steps: pow, pow, the clip coefficient's division);
    # the clipped grads are one multiply more. float64: 1e-13, far below any formula slip.
    n_terms = sum(math.prod(shape) for shape in SHAPES)
    rtol = elementwise_rtol(3) + float(accumulation_bound(n_terms, 1.0)) if dtype == np.float32 else 1e-13
    results = []
    for lib in (minigrad, torch):
        params = params_with_grads(lib, dtype, with_none=with_none)
        total = lib.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
        results.append((total, grads(params)))
    (total_m, grads_m), (total_t, grads_t) = results
    assert repr(total_m.dtype) == repr(total_t.dtype) and total_m.shape == () == tuple(total_t.shape)
    np.testing.assert_allclose(total_m.numpy(), total_t.numpy(), rtol=rtol)
    for g_m, g_t in zip(grads_m, grads_t):
        if g_t is None:
            assert g_m is None
        else:
            np.testing.assert_allclose(g_m, g_t, rtol=rtol + float(eps(dtype)), atol=0)


def test_clip_grad_norm_clips_to_max_norm_and_single_tensor():
    p = minigrad.tensor([3.0, 4.0], requires_grad=True)
    p.grad = minigrad.tensor([3.0, 4.0])
    total = minigrad.nn.utils.clip_grad_norm_(p, 1.0)
    assert total.item() == 5.0
    # grad * (1 / (5 + 1e-6)), then its norm: 2 terms, a sqrt, a division, 2 products
    assert abs(p.grad.norm().item() - 1.0) <= elementwise_rtol(2 + 4, ulps_per_op=1) + float(accumulation_bound(2, 1.0))


def test_clip_grad_norm_without_grads_returns_zero():
    for lib in (minigrad, torch):
        total = lib.nn.utils.clip_grad_norm_([lib.ones(2, requires_grad=True)], 1.0)
        assert repr(total) == "tensor(0.)"


def test_clip_grad_norm_nonfinite():
    messages = []
    for lib in (minigrad, torch):
        p = lib.ones(2, requires_grad=True)
        p.grad = lib.tensor([float("inf"), 1.0])
        with pytest.raises(RuntimeError) as err:
            lib.nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
        messages.append(str(err.value))
        total = lib.nn.utils.clip_grad_norm_([p], 1.0)  # no error: scaled by the inf norm
        assert total.item() == float("inf")
    assert messages[0] == messages[1]


def test_clip_grad_norm_empty_generator_warns():
    with pytest.warns(UserWarning, match="empty generator"):
        minigrad.nn.utils.clip_grad_norm_((p for p in []), 1.0)


def test_clip_grad_norm_deprecated_alias():
    p = minigrad.ones(2, requires_grad=True)
    p.grad = minigrad.ones(2)
    with pytest.warns(FutureWarning, match="deprecated"):
        minigrad.nn.utils.clip_grad_norm([p], 1.0)


def test_clip_grad_norm_is_not_recorded_in_the_graph():
    p = minigrad.ones(2, requires_grad=True)
    (p * 3).sum().backward()
    total = minigrad.nn.utils.clip_grad_norm_([p], 1.0)
    assert total.grad_fn is None and p.grad.grad_fn is None


@pytest.mark.parametrize("clip_value", [0.3, 2, 10.0])
def test_clip_grad_value_matches_torch(clip_value):
    results = []
    for lib in (minigrad, torch):
        params = params_with_grads(lib, np.float32, scale=2.0, with_none=True)
        assert lib.nn.utils.clip_grad_value_(params, clip_value) is None
        results.append(grads(params))
    for g_m, g_t in zip(*results):
        assert (g_m is None) == (g_t is None)
        if g_t is not None:
            np.testing.assert_array_equal(g_m, g_t)


def test_parameters_to_vector_and_back_match_torch():
    vectors = []
    for lib in (minigrad, torch):
        params = params_with_grads(lib, np.float32)
        vec = lib.nn.utils.parameters_to_vector(params)
        vectors.append(vec.detach().numpy())
        assert vec.requires_grad and vec.shape == (12 + 4 + 12,)
        new = lib.arange(28, dtype=lib.float32)
        lib.nn.utils.vector_to_parameters(new, params)
        assert [tuple(p.shape) for p in params] == SHAPES
        assert params[2].tolist() == torch.arange(16, 28, dtype=torch.float32).reshape(2, 2, 3).tolist()
    np.testing.assert_array_equal(vectors[0], vectors[1])


def test_parameters_to_vector_is_differentiable():
    params = params_with_grads(minigrad, np.float64)
    for p in params:
        p.grad = None
    (minigrad.nn.utils.parameters_to_vector(params) ** 2).sum().backward()
    np.testing.assert_array_equal(params[0].grad.numpy(), 2 * params[0].detach().numpy())  # 2x is exact


def test_vector_to_parameters_type_error_matches_torch():
    messages = []
    for lib in (minigrad, torch):
        with pytest.raises(TypeError) as err:
            lib.nn.utils.vector_to_parameters([1.0, 2.0], [lib.ones(2)])
        messages.append(str(err.value))
    assert messages[0] == messages[1] == "expected torch.Tensor, but got: list"

"""Tensor creation, dtypes, type promotion, attributes and conversions, compared with torch."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minigrad
from _compare import assert_within, torch_kernel_build, ulps

DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


def _same(ours, theirs):
    assert repr(ours.dtype) == repr(theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())


@pytest.mark.parametrize("data", [[1, 2], [1.0, 2], [True, False], 3, 2.5, True, [[1, 2], [3, 4]], [],
                                  np.array([1.0, 2.0]), np.array([1, 2], dtype=np.int32), np.float64(3.0),
                                  [[0.1, 0.2]], np.array(5, dtype=np.uint8)])
def test_tensor_infers_dtype_like_torch(data):
    _same(minigrad.tensor(data), torch.tensor(data))


def test_legacy_constructor_is_float32():
    _same(minigrad.Tensor([1, 2]), torch.Tensor([1, 2]))
    assert minigrad.Tensor(2, 3).shape == torch.Tensor(2, 3).shape


def test_default_dtype_switch():
    try:
        minigrad.set_default_dtype(minigrad.float64)
        torch.set_default_dtype(torch.float64)
        _same(minigrad.tensor([1.5]), torch.tensor([1.5]))
        _same(minigrad.ones(2), torch.ones(2))
        assert repr(minigrad.get_default_dtype()) == repr(torch.get_default_dtype())
    finally:
        minigrad.set_default_dtype(minigrad.float32)
        torch.set_default_dtype(torch.float32)


def _operand(lib, kind, dtype):
    if kind == "tensor":
        return lib.ones(3, dtype=getattr(lib, dtype))
    if kind == "zerodim":
        return lib.ones((), dtype=getattr(lib, dtype))
    return {"int": 2, "float": 2.5, "bool": True}[kind]


@given(st.sampled_from(DTYPES), st.sampled_from(DTYPES), st.sampled_from(["tensor", "zerodim"]),
       st.sampled_from(["tensor", "zerodim", "int", "float", "bool"]))
def test_type_promotion_matches_torch(da, db, ka, kb):
    for op in (lambda x, y: x + y, lambda x, y: x * y, lambda x, y: x / y, lambda x, y: x > y):
        try:
            expected = op(_operand(torch, ka, da), _operand(torch, kb, db))
        except RuntimeError:
            with pytest.raises(RuntimeError):
                op(_operand(minigrad, ka, da), _operand(minigrad, kb, db))
            continue
        got = op(_operand(minigrad, ka, da), _operand(minigrad, kb, db))
        assert repr(got.dtype) == repr(expected.dtype), (da, db, ka, kb)


@pytest.mark.parametrize("make", [
    lambda lib: lib.zeros(2, 3), lambda lib: lib.ones((2, 3), dtype=lib.int32), lambda lib: lib.full((2,), 7),
    lambda lib: lib.full((2,), 7.5), lambda lib: lib.full((2,), True), lambda lib: lib.arange(5),
    lambda lib: lib.arange(1, 4, 0.5), lambda lib: lib.arange(0, 1, 0.1), lambda lib: lib.arange(10, 0, -3),
    lambda lib: lib.linspace(3, 3, 1), lambda lib: lib.linspace(0, 1, 7, dtype=lib.float64), lambda lib: lib.eye(3), lambda lib: lib.eye(2, 4), lambda lib: lib.zeros_like(lib.ones(2, dtype=lib.int64)),
    lambda lib: lib.full_like(lib.ones(2), 4), lambda lib: lib.ones_like(lib.ones(2, 2), dtype=lib.float64),
    lambda lib: lib.empty(0, 3), lambda lib: lib.logspace(0, 2, 3),
])
def test_factories_match_torch(make):
    _same(make(minigrad), make(torch))


@pytest.mark.parametrize("start,end,steps", [(0, 1, 7), (-2.5, 10, 100), (1e4, -3.0, 33)])
def test_float32_linspace_matches_torch(start, end, steps):
    """minigrad rounds ``start + step * i`` once, as the fused multiply-add of torch's AVX2-build
    kernel does (bit for bit there); torch's DEFAULT build rounds the product first: one more
    rounding, of at most 1 ulp of ``|step * i| <= |end - start|``, and of the result."""
    ours, theirs = minigrad.linspace(start, end, steps), torch.linspace(start, end, steps)
    if torch_kernel_build() == "AVX2":
        _same(ours, theirs)
    else:
        bound = ulps(1, abs(end - start)) + ulps(1, theirs.numpy())
        assert_within(ours, theirs, bound, f"linspace on torch's {torch_kernel_build()} kernels")


def test_attributes_and_conversions():
    for lib in (minigrad, torch):
        x = lib.tensor([[1.5, -2.0], [3.0, 4.0]], requires_grad=True)
        assert x.shape == (2, 2) and x.size() == (2, 2) and x.size(-1) == 2 and x.dim() == 2 and x.ndim == 2
        assert x.numel() == 4 and x.is_leaf and x.grad_fn is None and x.requires_grad
        assert str(x.device) == "cpu" and repr(x.shape) == "torch.Size([2, 2])"
        assert x.detach().tolist() == [[1.5, -2.0], [3.0, 4.0]] and x[0, 0].item() == 1.5
        assert x.T.shape == (2, 2) and x.mT.shape == (2, 2)
        assert x.long().dtype == lib.int64 and x.int().tolist() == [[1, -2], [3, 4]]
        assert x.half().dtype == lib.float16 and x.double().dtype == lib.float64 and x.bool().dtype == lib.bool
        assert x.type() == "torch.FloatTensor" and x.long().type() == "torch.LongTensor"
        assert x.to(lib.float64).dtype == lib.float64 and x.to("cpu") is x
        assert len(x) == 2 and [r.tolist() for r in x.detach()] == [[1.5, -2.0], [3.0, 4.0]]
        assert float(x[1, 1]) == 4.0 and int(x[1, 1]) == 4 and bool(x[0, 0])
        assert not x.detach().requires_grad and x.clone().grad_fn is not None
        d = x.detach()
        d.requires_grad_()
        assert d.requires_grad
        y = (x * 2).contiguous()
        assert not y.is_leaf


def test_numpy_bridge_shares_memory():
    a = np.array([1.0, 2.0])
    t = minigrad.from_numpy(a)
    a[0] = 5
    assert t.tolist() == [5.0, 2.0] and t.dtype == minigrad.float64
    assert minigrad.as_tensor(a) .numpy() is a or np.shares_memory(minigrad.as_tensor(a).numpy(), a)
    assert not np.shares_memory(minigrad.tensor(a).numpy(), a)
    with pytest.raises(RuntimeError, match="Use tensor.detach\\(\\).numpy\\(\\) instead"):
        minigrad.ones(2, requires_grad=True).numpy()


def test_reprs_match_torch():
    for make in [lambda lib: lib.tensor([[1.0, 2.0]], requires_grad=True),
                 lambda lib: lib.tensor([1, 2, 3]), lambda lib: lib.tensor([1.5], dtype=lib.float64),
                 lambda lib: lib.tensor([1.0, 2.0], requires_grad=True) * 2,
                 lambda lib: lib.arange(2000.0), lambda lib: lib.tensor(3.25), lambda lib: lib.zeros(0, 2),
                 lambda lib: lib.tensor([1e-5, 1e5]), lambda lib: lib.tensor([True, False])]:
        assert repr(make(minigrad)) == repr(make(torch))


def test_scalar_operands_do_not_upcast():
    x = minigrad.ones(2)
    assert (x * 2.5).dtype == minigrad.float32 and (2 ** x).dtype == minigrad.float32
    assert (minigrad.tensor([1, 2]) * 2.5).dtype == minigrad.float32
    assert (minigrad.tensor([1, 2]) / 2).dtype == minigrad.float32
    assert (minigrad.tensor([1, 2]) // 2).dtype == minigrad.int64


def test_in_place_ops_and_versions():
    x = minigrad.zeros(3)
    v = x._version
    x.add_(1).mul_(3)
    x[0] = 7
    assert x.tolist() == [7.0, 3.0, 3.0] and x._version == v + 3
    view = x[1:]
    view.fill_(0)
    assert x.tolist() == [7.0, 0.0, 0.0] and x._version == view._version
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        minigrad.tensor([1, 2]).add_(1.5)


def test_integer_tensors_cannot_require_grad():
    for lib in (minigrad, torch):
        with pytest.raises(RuntimeError, match="floating point and complex dtype can require gradients"):
            lib.tensor([1, 2], requires_grad=True)


@pytest.mark.parametrize("reduce", [lambda t: t.sum(dim=()), lambda t: t.mean(dim=[]), lambda t: t.var(dim=()),
                                    lambda t: t.std(dim=[]), lambda t: t.norm(dim=()),
                                    lambda t: t.sum(dim=(), keepdim=True)])
def test_an_empty_dim_reduces_everything_like_torch(reduce):
    _same(reduce(minigrad.arange(6.0).reshape(2, 3)), reduce(torch.arange(6.0).reshape(2, 3)))

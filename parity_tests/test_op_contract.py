"""The op contract (autograd/function.py): one ``Function.apply`` for built-in and user ops, a real
ctx whether or not the graph is recorded, tensors reaching backward only through
``save_for_backward``, ``needs_input_grad`` honoured, and torch's node names."""
import numpy as np
import pytest
import torch

import minigrad
from minigrad.autograd import Function
from minigrad.autograd.function import BuiltinFunction
from op_db import all_ops
from test_ops import _run, _weights


class ArrayMul(Function):
    """The example of function.py's docstring, as a user writes it: forward returns an array."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a._data * b._data

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * b, grad * a


class TensorMul(ArrayMul):
    """The same with Tensor ops in forward (they run under no_grad), returning a Tensor, as in torch."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        assert not minigrad.is_grad_enabled()
        return a * b


@pytest.mark.parametrize("op", [ArrayMul, TensorMul])
def test_a_user_function_may_return_an_array_or_a_tensor(op):
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = minigrad.tensor([3.0, 4.0], requires_grad=True)
    out = op.apply(x, y)
    assert out.grad_fn.name() == f"{op.__name__}Backward" and out.requires_grad
    out.sum().backward()
    assert x.grad.tolist() == [3.0, 4.0] and y.grad.tolist() == [1.0, 2.0]
    with minigrad.no_grad():
        assert not op.apply(x, y).requires_grad


def test_forward_must_return_a_tensor_or_an_array():
    class Bad(Function):
        @staticmethod
        def forward(ctx, a):
            return [1.0]
    with pytest.raises(TypeError, match="Bad.forward must return a single Tensor or array, got list"):
        Bad.apply(minigrad.ones(2, requires_grad=True))


class Counted(BuiltinFunction):
    """Writes a number on ctx in forward and reads it back there: works with and without a graph."""

    @staticmethod
    def forward(ctx, a):
        ctx.n = 3
        return a._data * ctx.n

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.n


def test_the_ctx_is_a_real_one_with_or_without_a_graph():
    x = minigrad.ones(2, requires_grad=True)
    assert Counted.apply(x).grad_fn.name() == "CountedBackward0"
    with minigrad.no_grad():
        assert Counted.apply(x).tolist() == [3.0, 3.0]


@pytest.mark.parametrize("fn", [minigrad.maximum, minigrad.minimum,
                                lambda a, b: minigrad.where(a > 0, a, b),
                                lambda a, b: minigrad.where(a > 0, b, a)])
def test_needs_input_grad_is_honoured(fn, monkeypatch):
    """Backward computes no gradient for an input that does not require one."""
    from minigrad.autograd import engine
    returned = []
    original = engine._call_backward

    def spy(node, grad):
        grads = original(node, grad)
        returned.append([g is not None for g, need in zip(grads, node.needs_input_grad) if not need])
        return grads
    monkeypatch.setattr(engine, "_call_backward", spy)
    a = minigrad.tensor([1.0, -2.0, 3.0], requires_grad=True)
    b = minigrad.tensor([0.5, 0.5, 5.0])
    fn(a, b).sum().backward()
    assert returned and not any(any(r) for r in returned)


def _samples():
    for op in all_ops():
        if op.supports_grad:
            for i, sample in enumerate(op.samples("float64")):
                yield pytest.param(op, sample, id=f"{op.name}-{i}")


def _tensors_kept(node):
    """The ctx attributes (other than the saved tensors and the edges) that hold a Tensor."""
    return [k for k, v in vars(node).items() if isinstance(v, minigrad.Tensor)
            or (isinstance(v, (tuple, list)) and k not in ("_saved", "_edges")
                and any(isinstance(x, minigrad.Tensor) for x in v))]


def test_the_check_sees_a_tensor_kept_on_ctx():
    class KeepsIndex(BuiltinFunction):
        @staticmethod
        def forward(ctx, a):
            ctx.index = minigrad.tensor([0])  # what nn/_nll_ops.py did before
            return a._data.copy()
    out = KeepsIndex.apply(minigrad.ones(2, requires_grad=True))
    assert _tensors_kept(out.grad_fn) == ["index"]


@pytest.mark.parametrize("op,sample", list(_samples()))
def test_tensors_reach_backward_only_through_save_for_backward(op, sample):
    """No recorded node keeps a Tensor in an attribute of its own: it would escape the version check
    and the release of saved tensors after backward."""
    out, _ = _run(minigrad, op, sample, "cpu")
    if not out.requires_grad:
        return
    stack, seen = [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen or not isinstance(node, Function):
            continue
        seen.add(id(node))
        kept = _tensors_kept(node)
        assert not kept, f"{node.name()} keeps tensors in {kept}"
        stack.extend(f for f, _ in node.next_functions)
    (out * minigrad.tensor(_weights(out))).sum().backward()


@pytest.mark.parametrize("shape", [(), (0,), (5,), (3, 4), (2, 0, 3), (2, 3, 2)])
@pytest.mark.parametrize("as_tuple", [False, True])
def test_nonzero(shape, as_tuple):
    values = (np.arange(int(np.prod(shape))) % 3 == 1).reshape(shape) if shape else np.array(5)
    ours = minigrad.tensor(values).nonzero(as_tuple=as_tuple)
    theirs = torch.tensor(values).nonzero(as_tuple=as_tuple)
    for o, t in zip(ours if as_tuple else [ours], theirs if as_tuple else [theirs]):
        assert o.shape == tuple(t.shape) and o.tolist() == t.tolist() and str(o.dtype) == str(t.dtype)
    assert [w.tolist() for w in minigrad.where(minigrad.tensor(values) != 0)] == \
        [w.tolist() for w in torch.where(torch.tensor(values) != 0)]


def test_the_example_op_of_docs_architecture_runs():
    """docs/architecture.md's example op, run as written: it cannot drift from the contract."""
    import pathlib
    import re
    from minigrad.ops._util import operands
    text = (pathlib.Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text()
    code = re.search(r"```python\n(class Mul\(BuiltinFunction\):.*?)```", text, re.S).group(1)
    scope = {"BuiltinFunction": BuiltinFunction, "operands": operands, "np": np}
    exec(code, scope)  # noqa: S102 - the project's own documentation
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    out = scope["Mul"].apply(x, minigrad.tensor([3.0, 4.0]))
    assert out.grad_fn.name() == "MulBackward0"
    out.sum().backward()
    assert x.grad.tolist() == [3.0, 4.0]

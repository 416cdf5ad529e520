"""Generic parity tests over the op registry (see op_db/__init__.py, Note [the registry]).

For every entry x sample x dtype x device: forward, backward and double backward equal torch's;
in float64, gradcheck and gradgradcheck agree with finite differences.
"""
import numpy as np
import pytest
import torch

import minigrad
from minigrad.autograd.function import BuiltinFunction
from op_db import all_ops
from _compare import to_lib, assert_close, tolerances, numpy_of

OPS = all_ops()


def _cases(filter_fn=lambda op: True, dtypes=None):
    for op in OPS:
        if not filter_fn(op):
            continue
        for dtype in dtypes or op.dtypes:
            for i, _ in enumerate(op.samples(dtype)):
                yield pytest.param(op, dtype, i, id=f"{op.name}-{dtype}-{i}")


def _sample(op, dtype, index):
    for i, s in enumerate(op.samples(dtype)):
        if i == index:
            return s
    raise IndexError(index)


def _run(lib, op, sample, device, requires_grad=True):
    diff = sample.differentiable()
    inputs = [to_lib(lib, x, requires_grad and d, device) for x, d in zip(sample.inputs, diff)]
    out = op.fn(lib, *inputs, **sample.kwargs)
    grad_inputs = [t for t, d in zip(inputs, diff) if d]
    return out, grad_inputs


def _weights(out, seed=0):
    w = np.random.default_rng(seed).standard_normal(tuple(out.shape)).astype(np.float64)
    return w.astype(str(out.dtype).replace("torch.", ""))


@pytest.mark.parametrize("op,dtype,index", list(_cases()))
def test_forward(op, dtype, index, device):
    sample = _sample(op, dtype, index)
    ours, _ = _run(minigrad, op, sample, device, requires_grad=False)
    theirs, _ = _run(torch, op, sample, device, requires_grad=False)
    atol, rtol = tolerances(op, dtype)
    assert_close(ours, theirs, atol, rtol, f"{op.name} forward")


@pytest.mark.parametrize("op,dtype,index", list(_cases(lambda op: op.supports_grad)))
def test_backward(op, dtype, index, device):
    sample = _sample(op, dtype, index)
    ours, our_inputs = _run(minigrad, op, sample, device)
    theirs, their_inputs = _run(torch, op, sample, device)
    assert ours.requires_grad == theirs.requires_grad
    if not theirs.requires_grad:
        return
    assert ours.grad_fn.name() == theirs.grad_fn.name(), "grad_fn name differs from torch's"
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__, "grad_fn type differs from torch's"
    w = _weights(theirs)
    (ours * minigrad.tensor(w, device=device)).sum().backward()
    (theirs * torch.tensor(w, device=device)).sum().backward()
    atol, rtol = tolerances(op, dtype)
    for k, (a, b) in enumerate(zip(our_inputs, their_inputs)):
        assert (a.grad is None) == (b.grad is None), f"input {k}: grad presence differs"
        if b.grad is not None:
            assert_close(a.grad, b.grad, atol * 10, rtol * 10, f"{op.name} grad of input {k}")


def _second_order(lib, op, sample, device):
    """Gradients of <d(sum(out*w))/d inputs, v> with respect to the inputs (None -> zeros)."""
    out, inputs = _run(lib, op, sample, device)
    w = to_lib(lib, _weights(out), device=device)
    grads = lib.autograd.grad((out * w).sum(), inputs, create_graph=True, allow_unused=True)
    total = None
    for k, g in enumerate(grads):
        if g is None or not g.requires_grad:
            continue
        v = to_lib(lib, _weights(g, seed=k + 1), device=device)
        term = (g * v).sum()
        total = term if total is None else total + term
    if total is None:
        return [None] * len(inputs)
    return list(lib.autograd.grad(total, inputs, allow_unused=True))


@pytest.mark.parametrize("op,dtype,index", list(_cases(lambda op: op.supports_grad and op.supports_gradgrad)))
def test_double_backward(op, dtype, index, device):
    sample = _sample(op, dtype, index)
    ours = _second_order(minigrad, op, sample, device)
    theirs = _second_order(torch, op, sample, device)
    atol, rtol = tolerances(op, dtype)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        if a is None or b is None:  # no second derivative on one side: the other's must be zero
            present = a if b is None else b
            assert present is None or not np.any(numpy_of(present)), f"input {k}: second derivatives differ"
        else:
            assert_close(a, b, atol * 10, rtol * 10, f"{op.name} double backward of input {k}")


def _closure(op, sample, device):
    """fn(*differentiable inputs) for gradcheck, with the other inputs fixed."""
    diff = sample.differentiable()
    fixed = [to_lib(minigrad, x, False, device) for x in sample.inputs]

    def fn(*args):
        it = iter(args)
        inputs = [next(it) if d else f for f, d in zip(fixed, diff)]
        out = op.fn(minigrad, *inputs, **sample.kwargs)
        return out
    args = [to_lib(minigrad, x, True, device) for x, d in zip(sample.inputs, diff) if d]
    return fn, args


GRADCHECK = list(_cases(lambda op: op.supports_grad and op.supports_gradcheck, dtypes=["float64"]))


@pytest.mark.parametrize("op,dtype,index", GRADCHECK)
def test_gradcheck(op, dtype, index):
    fn, args = _closure(op, _sample(op, dtype, index), "cpu")
    assert minigrad.autograd.gradcheck(fn, args, eps=1e-6, atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize("op,dtype,index", [c for c in GRADCHECK if c.values[0].supports_gradgrad])
def test_gradgradcheck(op, dtype, index):
    fn, args = _closure(op, _sample(op, dtype, index), "cpu")
    assert minigrad.autograd.gradgradcheck(fn, args, eps=1e-6, atol=1e-5, rtol=1e-3)


# Ops that need a second device to run; the CUDA parity tests (test_cuda.py) exercise them.
NEEDS_TWO_DEVICES = {"minigrad.ops.convert.ToDevice"}


def _concrete_ops():
    """Every op class minigrad defines (bases that only exist to be subclassed are left out)."""
    found, stack = set(), [BuiltinFunction]
    while stack:
        cls = stack.pop()
        subs = [s for s in cls.__subclasses__() if "_is_node_type" not in vars(s)]  # (graph nodes' types)
        stack.extend(subs)
        if not subs and cls.__module__.startswith("minigrad."):
            found.add(cls)
    return found


def test_registry_is_complete(monkeypatch):
    """Each differentiable op of minigrad is run (forward or backward) by some registry sample."""
    used = set()
    original = BuiltinFunction.apply.__func__

    def recording(cls, *args):
        used.add(cls)
        return original(cls, *args)
    monkeypatch.setattr(BuiltinFunction, "apply", classmethod(recording))
    for op in OPS:
        for sample in op.samples("float64"):
            if op.supports_grad and op.supports_gradgrad:
                _second_order(minigrad, op, sample, "cpu")
            else:
                out, _ = _run(minigrad, op, sample, "cpu")
                if out.requires_grad:
                    (out * minigrad.tensor(_weights(out))).sum().backward()
    missing = sorted(f"{c.__module__}.{c.__name__}" for c in _concrete_ops() - used)
    missing = [name for name in missing if name not in NEEDS_TWO_DEVICES]
    assert not missing, f"ops without a registry entry: {missing}"

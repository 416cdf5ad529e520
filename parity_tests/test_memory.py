"""Memory: training does not leak, and the autograd graph is freed by reference counting alone.

The design keeps the graph free of reference cycles (a node holds its inputs' nodes and the arrays
it saved, never its output Tensor; ``retain_grad`` uses a weakref), so CPython frees a graph, and
the arrays it saved, the moment the last reference goes: no ``gc.collect()`` needed. The tests
below run with the cyclic collector switched off to make that claim checkable.

(A 100,000-op chain backpropagating without recursion is in ``test_autograd.py``.)
"""
import contextlib
import gc
import tracemalloc
import weakref

import pytest

import minigrad
from minigrad.autograd.function import Function


@contextlib.contextmanager
def _no_cyclic_gc():
    """Only reference counting frees memory inside this block."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _mlp_step_fn():
    minigrad.manual_seed(0)
    nn = minigrad.nn
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1))
    opt = minigrad.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.MSELoss()
    x, y = minigrad.randn(32, 16), minigrad.randn(32, 1)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def _live_nodes():
    """Graph nodes alive anywhere in the process (tests compare against a count taken before, after
    the cyclic collector has cleared what earlier tests left)."""
    return sum(issubclass(type(o), Function) for o in gc.get_objects())


def test_ten_thousand_training_steps_keep_memory_flat():
    """MLP [16, 32, 32, 1], batch 32, MSELoss, SGD: the memory traced after step 10,000 is within
    a few KiB of that after step 500 (no graph, saved array or gradient accumulates)."""
    step = _mlp_step_fn()
    first = step()
    with _no_cyclic_gc():
        nodes_before = _live_nodes()
        tracemalloc.start()
        try:
            for i in range(1, 10_001):
                last = step()
                if i == 500:
                    at_500, _ = tracemalloc.get_traced_memory()
                    tracemalloc.reset_peak()
            at_10000, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        leftover_nodes = _live_nodes() - nodes_before
        cyclic_garbage = gc.collect()
    assert last < first  # it did train
    assert abs(at_10000 - at_500) < 16 * 1024, f"traced memory grew from {at_500} to {at_10000} bytes"
    assert peak - at_500 < 256 * 1024, f"one step's peak grew to {peak - at_500} bytes above the baseline"
    assert leftover_nodes == 0, f"{leftover_nodes} graph nodes outlived their step"
    assert cyclic_garbage == 0, f"{cyclic_garbage} objects were only freeable by the cyclic collector"


def _graph(x, w, target):
    """A graph through many op families; only the loss is returned, so the intermediates live on
    only inside the graph (as saved tensors)."""
    h = (x @ w).relu() * 2 + x.exp().sum(-1, keepdim=True)
    h = minigrad.nn.functional.softmax(h, dim=-1).log() - h.tanh().sigmoid() + h[:, :2].sum()
    h = minigrad.cat([h, h.sqrt().abs()], 1).reshape(-1).var().reshape(1, 1) + h.max(0).values.sum()
    return minigrad.nn.functional.cross_entropy(h.expand(4, 3), target) + minigrad.nn.functional.mse_loss(
        h, minigrad.zeros_like(h))


def _weak_graph(loss):
    """Weakrefs to every node of the graph and to every array its nodes saved."""
    nodes, arrays, stack, seen = [], [], [loss.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen or not isinstance(node, Function):
            continue
        seen.add(id(node))
        nodes.append(weakref.ref(node))
        arrays.extend(weakref.ref(t._data) for t in node._saved if isinstance(t, minigrad.Tensor))
        if node._output is not None:
            arrays.append(weakref.ref(node._output))
        stack.extend(node._edges)
    return nodes, arrays


def _inputs():
    minigrad.manual_seed(1)
    return (minigrad.randn(4, 3, requires_grad=True), minigrad.randn(3, 3, requires_grad=True),
            minigrad.tensor([0, 2, 1, 1]))


def test_saved_arrays_are_freed_by_backward_and_nodes_with_the_loss():
    x, w, target = _inputs()
    with _no_cyclic_gc():
        loss = _graph(x, w, target)
        nodes, arrays = _weak_graph(loss)
        inputs = {id(x._data), id(w._data), id(target._data)}
        intermediate = [r for r in arrays if id(r()) not in inputs]
        assert len(nodes) > 20 and len(intermediate) > 10
        loss.backward()
        assert all(r() is None for r in intermediate), "backward kept saved intermediate arrays alive"
        assert all(r() is not None for r in nodes)  # still reachable from loss.grad_fn
        del loss
        assert all(r() is None for r in nodes), "graph nodes outlived the loss without the cyclic collector"
    assert x.grad is not None and w.grad is not None


def test_retain_graph_keeps_saved_arrays_until_the_loss_goes():
    x, w, target = _inputs()
    with _no_cyclic_gc():
        nodes_before = _live_nodes()
        loss = _graph(x, w, target)
        nodes, arrays = _weak_graph(loss)
        held = {id(x._data), id(w._data), id(target._data)}
        loss.backward(retain_graph=True)
        assert all(r() is not None for r in arrays)
        loss.backward()
        del loss
        assert all(r() is None for r in nodes) and _live_nodes() == nodes_before
        assert all(r() is None for r in arrays if id(r()) not in held)


def test_an_unused_graph_is_freed_without_backward():
    x, w, target = _inputs()
    with _no_cyclic_gc():
        loss = _graph(x, w, target)
        nodes, arrays = _weak_graph(loss)
        held = {id(x._data), id(w._data), id(target._data)}
        del loss
        assert all(r() is None for r in nodes)
        assert all(r() is None for r in arrays if id(r()) not in held)


def test_retain_grad_and_hooks_make_no_cycles():
    with _no_cyclic_gc():
        x = minigrad.randn(3, requires_grad=True)
        h = x * 2
        h.retain_grad()
        h.register_hook(lambda g: g * 1)
        node = weakref.ref(h.grad_fn)
        (h * h).sum().backward()
        assert h.grad is not None
        del h
        assert node() is None


@pytest.mark.parametrize("mode", ["no_grad", "inference_mode"])
def test_evaluation_without_grad_records_no_graph(mode):
    model = minigrad.nn.Sequential(minigrad.nn.Linear(16, 8), minigrad.nn.Tanh(), minigrad.nn.Linear(8, 1))
    with _no_cyclic_gc(), getattr(minigrad, mode)():
        nodes_before = _live_nodes()
        out = model(minigrad.randn(64, 16))
        assert out.grad_fn is None and _live_nodes() == nodes_before

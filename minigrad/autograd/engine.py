"""The backward pass: walk the graph from the outputs to the leaves, in topological order.

1. ``_count_dependencies``: an iterative depth-first walk (no recursion, so a 100,000-op chain
   is fine) counts, for every node and leaf, how many edges point at it.
2. Kahn's algorithm: a node runs only when every consumer has contributed its gradient, so it
   sees the *sum* of them (this is why topological order matters).
3. Each node's ``backward`` gives one gradient per input; ``_fit`` reduces it to the input's
   shape and dtype (broadcasting undone here, in one place); leaves accumulate into ``.grad``.

Without ``create_graph`` the backward formulas run under ``no_grad``; with it they record a new
graph, which is how double backward works. Unless ``retain_graph``, each node frees its saved
tensors once it has run.

``backward`` (``loss.backward()``, ``autograd.backward``) and ``grad`` (``autograd.grad``) are the
two ways in: they check the roots, make the seed gradients and call ``run_backward``.
"""
import threading

import numpy as np

from .._modes import anomaly as _anomaly, capture as _capture, grad_state as _grad_state, quiet_fp, restore_fp
from . import anomaly_mode
from ..tensor import Tensor
from .function import Function


def _count_dependencies(roots):
    """Number of incoming edges of every node/leaf reachable from ``roots`` (keyed by id)."""
    deps = dict.fromkeys(map(id, roots), 0)  # a root may also be reached from another root
    stack = list(roots)
    while stack:
        node = stack.pop()
        if not isinstance(node, Function):
            continue
        for edge in node._edges:
            if edge is None:
                continue
            key = id(edge)
            if key in deps:
                deps[key] += 1
            else:  # first time seen: walk on from it
                deps[key] = 1
                stack.append(edge)
    return deps


def _fit(grad, meta, node, index):
    """Reduce a broadcast gradient to the input's shape, and cast it to the input's dtype."""
    shape, dtype = meta
    if grad._data.shape != shape:
        if not _expands_to(shape, grad._data.shape):
            raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {index} - got "
                               f"{list(grad._data.shape)} but expected shape compatible with {list(shape)}")
        grad = grad.sum_to_size(shape)
    if grad.dtype is not dtype:
        grad = grad.to(dtype)
    return grad


def _expands_to(shape, target):
    """Whether ``shape`` broadcasts to ``target`` (so a gradient of ``target`` can be summed back)."""
    if len(shape) > len(target):
        return False
    return all(s == 1 or s == t for s, t in zip(shape[::-1], target[::-1]))


def _call_backward(node, grad):
    token = quiet_fp()  # (backward formulas that call NumPy directly stay as silent as torch's)
    try:
        grads = node.backward(node, grad)
    finally:
        restore_fp(token)
    if not isinstance(grads, tuple):
        grads = (grads,)
    n_inputs = len(node._edges)
    if len(grads) != n_inputs:
        if len(grads) > n_inputs and all(g is None for g in grads[n_inputs:]):
            grads = grads[:n_inputs]
        else:
            raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                               f"(expected {n_inputs}, got {len(grads)})")
    if _anomaly.enabled:
        anomaly_mode.check_gradients(node, grads)
    return grads


class _LeafSink:
    """Where leaf gradients go: into ``.grad`` (backward) or into a result list (autograd.grad)."""

    def __init__(self, create_graph, root_arrays):
        self.create_graph = create_graph
        self.handed_out = set(map(id, root_arrays))  # arrays a leaf must not alias

    def accumulate(self, leaf, grad):
        """``leaf.grad += grad``; the first gradient is stored without copying when it is fresh."""
        if leaf._hooks:
            grad = _run_hooks(leaf._hooks, grad)
        if _capture.recorder is not None:  # minigrad.compile is capturing: it checks it watches this leaf
            _capture.recorder.accumulated(leaf)
        with _accumulation:  # backward passes in several threads may share this leaf
            self._accumulate(leaf, grad)

    def _accumulate(self, leaf, grad):
        old = leaf._grad
        if self.create_graph:
            leaf._grad = grad if old is None else old + grad
            return
        if old is None:
            array = grad._data
            if array.base is not None or not array.flags.writeable or id(array) in self.handed_out:
                array = array.copy()
            self.handed_out.add(id(array))
            leaf._grad = leaf._wrap_like(array)
        elif old._requires_grad:
            leaf._grad = old + grad
        else:
            old._data += grad._data
            old._bump_version()


# One lock for every accumulation into a ``.grad`` (torch locks each leaf's AccumulateGrad node):
# ``old += new`` is a read-modify-write that two threads must not interleave.
_accumulation = threading.Lock()


def _run_hooks(hooks, grad):
    """Call each hook on the gradient; a returned tensor replaces it (torch's checks on the result)."""
    for hook in list(hooks.values()):
        result = hook(grad)
        if result is not None:
            _check_hook_result(hook, grad, result)
            grad = result
    return grad


def _check_hook_result(hook, grad, result):
    name = getattr(hook, "__name__", type(hook).__name__)
    if not isinstance(result, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(result).__name__}'")
    if result.type() != grad.type():
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {grad.type()} got {result.type()})")
    if result.shape != grad.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")


def _needed(start, wanted):
    """The ids of the nodes from which a wanted input can be reached: torch's engine runs only those
    for ``autograd.grad`` (a node off every path to an input is not run, so cannot raise)."""
    needed, state, stack = set(wanted), {}, [(n, False) for n in start]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            if any(id(e) in needed for e in node._edges if e is not None):
                needed.add(key)
            continue
        if key in state or not isinstance(node, Function):
            continue
        state[key] = True
        stack.append((node, True))
        stack.extend((e, False) for e in node._edges if e is not None)
    return needed


def run_backward(roots, root_grads, retain_graph, create_graph, inputs=None):
    """Backpropagate ``root_grads`` from ``roots``. With ``inputs``, return their gradients
    (``autograd.grad``) instead of accumulating into leaves' ``.grad``."""
    pending = {}
    for root, g in zip(roots, root_grads):
        key = id(root.grad_fn if root.grad_fn is not None else root)
        pending[key] = g if key not in pending else pending[key] + g
    start = [r.grad_fn if r.grad_fn is not None else r for r in roots]
    deps = _count_dependencies(start)
    wanted = None
    if inputs is not None:
        wanted = {}  # node or leaf -> where its gradient goes (an input may be listed twice)
        for i, t in enumerate(inputs):
            wanted.setdefault(id(t.grad_fn if t.grad_fn is not None else t), []).append(i)
        captured = [None] * len(inputs)
        needed = _needed(start, wanted)
    sink = _LeafSink(create_graph, [g._data for g in root_grads])
    ready = [n for n in dict.fromkeys(start) if deps.get(id(n), 0) == 0]
    prev_enabled = _grad_state.enabled
    _grad_state.enabled = create_graph
    try:
        while ready:
            node = ready.pop()
            grad = pending.pop(id(node), None)
            if not isinstance(node, Function):  # a leaf
                if grad is None:
                    continue
                if wanted is None:
                    sink.accumulate(node, grad)
                elif id(node) in wanted:
                    if node._hooks:
                        grad = _run_hooks(node._hooks, grad)
                    for i in wanted[id(node)]:
                        captured[i] = grad
                continue
            if grad is not None:
                if node._tensor_hooks:
                    grad = _run_hooks(node._tensor_hooks, grad)
                if node._retained is not None:
                    out = node._retained()
                    if out is not None and wanted is None:
                        with _accumulation:
                            out._grad = grad if out._grad is None else out._grad + grad
                if wanted is not None and id(node) in wanted:
                    for i in wanted[id(node)]:
                        captured[i] = grad
                if wanted is None or id(node) in needed:
                    grads = _call_backward(node, grad)
                else:
                    grads = (None,) * len(node._edges)
            else:
                grads = (None,) * len(node._edges)
            for index, (edge, g, meta) in enumerate(zip(node._edges, grads, node._meta)):
                if edge is None:
                    continue
                key = id(edge)
                if g is not None:
                    if g._data.shape != meta[0] or g.dtype is not meta[1]:
                        g = _fit(g, meta, node, index)
                    pending[key] = g if key not in pending else pending[key] + g
                deps[key] -= 1
                if deps[key] == 0:
                    ready.append(edge)
            if not retain_graph:
                node._release()
    finally:
        _grad_state.enabled = prev_enabled
    return captured if inputs is not None else None


def _as_list(x):
    if x is None:
        return None
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _root_grads(outputs, grad_outputs):
    """The seed gradient of each output: given, or ones for a scalar (torch's rules and errors)."""
    grads = _as_list(grad_outputs) or [None] * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError("grad can be implicitly created only for scalar outputs")
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, grads)):
        if not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = out._wrap_like(np.ones_like(out._data))
        elif g.shape != out.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] has "
                               f"a shape of {out.shape}.")
        seeds.append(g)
    return seeds


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad``."""
    outputs = _as_list(tensors)
    seeds = _root_grads(outputs, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None:
        inputs = _as_list(inputs)
        grads = run_backward(outputs, seeds, retain_graph, create_graph, inputs=inputs)
        for t, g in zip(inputs, grads):
            if g is not None:
                with _accumulation:
                    t._grad = g if t._grad is None else t._grad + g
        return
    run_backward(outputs, seeds, retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=None,
         materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned (``.grad`` is untouched)."""
    outputs = _as_list(outputs)
    inputs = _as_list(inputs)
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    seeds = _root_grads(outputs, grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    grads = run_backward(outputs, seeds, retain_graph, create_graph, inputs=inputs)
    for i, g in enumerate(grads):
        if g is None:
            if materialize_grads:
                grads[i] = inputs[i]._wrap_like(np.zeros_like(inputs[i]._data))
            elif not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
    return tuple(grads)

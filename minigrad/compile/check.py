"""The check of a new program: replay and eager from the same state must agree bit for bit.

``Snapshot`` copies everything a program may change -- the watched tensors' data and gradients,
the optimizers' state, the generators' states -- so that ``region.CompiledFunction._check`` can
run the replay, put everything back, run eagerly, and compare (``Snapshot.same``, ``same``;
``same_backward`` for the backward program of a region whose output keeps its graph). Equal means
equal bits: dtype, shape and every byte (``bits``), NaN payloads included.
"""
import numpy as np

from .. import random as _random
from ..autograd import engine
from ..tensor import Tensor, _wrap
from .capture import tensors_in


class Snapshot:
    """Copies of every array a program may change: the watched tensors' data and gradients, the
    optimizers' state, the states of the default generator and of those the region draws from."""

    def __init__(self, tensors, optimizers, generators):
        self.tensors = [(t, t._data, t._data.copy(), t._grad, None if t._grad is None else t._grad._data.copy())
                        for t in tensors]
        self.optimizers = [(opt, {p: dict(s) for p, s in opt.state.items()},
                            {(id(p), k): v._data.copy() for p, s in opt.state.items() for k, v in s.items()
                             if isinstance(v, Tensor)}) for opt in optimizers]
        self.generators = list({id(g): g for g in [_random.default_generator, *generators]}.values())
        self.rng = [g.get_state() for g in self.generators]

    def restore(self):
        for t, data, copy, grad, grad_copy in self.tensors:
            t._data = data
            np.copyto(data, copy)
            t._grad = grad
            if grad is not None:
                np.copyto(grad._data, grad_copy)
        for opt, state, arrays in self.optimizers:
            opt.state.clear()
            for p, s in state.items():
                opt.state[p] = dict(s)
                for k, v in s.items():
                    if isinstance(v, Tensor):
                        np.copyto(v._data, arrays[(id(p), k)])
        for g, state in zip(self.generators, self.rng):
            g.set_state(state)

    def same(self, other):
        if len(self.tensors) != len(other.tensors):
            return False
        for a, b in zip(self.tensors, other.tensors):
            if not bits(a[2], b[2]) or (a[4] is None) != (b[4] is None) or (a[4] is not None and not bits(a[4], b[4])):
                return False
        for (_, sa, aa), (_, sb, ab) in zip(self.optimizers, other.optimizers):
            if sa.keys() != sb.keys() or aa.keys() != ab.keys() or not all(bits(aa[k], ab[k]) for k in aa):
                return False
        return all(bits(a._data, b._data) for a, b in zip(self.rng, other.rng))


def bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def same(x, y):
    """Whether two results are equal bit for bit (Tensors: dtype, shape, data, requires_grad)."""
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        return isinstance(x, Tensor) and isinstance(y, Tensor) and x.dtype is y.dtype and \
            x._requires_grad == y._requires_grad and bits(np.asarray(x._data), np.asarray(y._data))
    if type(x) in (tuple, list):
        return type(x) is type(y) and len(x) == len(y) and all(same(a, b) for a, b in zip(x, y))
    if type(x) is dict:
        return type(y) is dict and x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)
    return x is y or x == y



def same_backward(replayed, result):
    """Whether the replayed output's backward program gives the eager graph's gradients, bit for bit
    (seeded with ones; the eager graph is kept for the user's own backward)."""
    node = next(t for t in tensors_in(replayed) if t._requires_grad)._grad_fn
    out = next(t for t in tensors_in(result) if t._requires_grad)
    seed = _wrap(np.ones_like(out._data), out.dtype)
    leaves = [e if isinstance(e, Tensor) else None for e in node._edges]
    if any(t is None for t in leaves):
        return False
    eager = engine.grad([out], leaves, [seed], retain_graph=True, allow_unused=True)
    grads = node.program(*node.env, seed._data)
    return all((a is None) == (b is None) and (a is None or bits(a._data, np.asarray(b)))
               for a, b in zip(eager, grads))

"""Fuzzing against torch: hypothesis writes random programs, torch and minigrad run them.

``test_random_programs_match_torch``: a program is 1-6 steps over a pool of float64 tensors that
starts with one random leaf. Each step draws an op that fits the current shapes: elementwise
binary ops (with broadcasting, against a new leaf of a broadcastable shape or another pool tensor,
so graphs share subexpressions), unary ops and nn.functional activations, reductions with dim and
keepdim, shape ops (reshape, transpose, permute, squeeze, expand, flip, cat, stack), indexing
(integers, slices, index lists with repeats, boolean masks, index_select, gather) and matmul /
linear when the shapes fit. Each step runs on both libraries from the same NumPy inputs and the
results must agree (shape, dtype, values; or both raise the same exception type). At the end, the
gradients of a weighted sum of the pool's tensors must agree for every leaf.

``test_random_programs_with_views_and_in_place_match_torch`` (issue 14, torch's view model): the
same programs with two more kinds of step: views (slicing and indexing, view/reshape, t/transpose/
permute, unsqueeze/squeeze, narrow, select, expand, chunk/split/unbind, detach, views made under
no_grad) and in-place ops (every differentiable ``_`` method, ``__setitem__``, augmented assignment
including ``//=`` and ``%=``, ``F.*(inplace=True)``)
on any tensor of the pool, so that changes through a view reach its base and every other view.
The pool also holds plain tensors (no grad) and clones (non-leaves). Every step must agree in
values or in the exception type; at the end the *final* values and ``requires_grad`` of every
tensor in the pool must agree (an in-place op changes tensors made before it), then one of
``backward()``, ``autograd.grad`` or ``autograd.grad(create_graph=True)`` followed by a second
derivative runs on both, and gradients (or the exception type) must agree.

``test_broadcasting_*``: shapes from ``hypothesis.extra.numpy.mutually_broadcastable_shapes``
(values, result shapes, gradients reduced back to every input's shape) and shapes that do not
broadcast (the same error message as torch).

``TestGraphMachine``: a stateful machine (MyGrad's idea) that grows a random graph, calls backward
from random nodes with ``retain_graph`` (gradients accumulate across calls), zeroes gradients, and
checks after every step that each leaf's ``.grad`` equals torch's.

Example counts: by default (CI) 150 programs per program test (400 with views and in-place), 100
per broadcasting test and 40 machine runs, derandomized (about 15 s in all);
``MINIGRAD_TEST_PROFILE=full`` runs 3,000 / 2,000 / 1,000 random ones and 20,000 programs with views
and in-place ops (a quarter of an hour).
"""
import math
import os

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, event, given, note, settings, strategies as st
from hypothesis.extra.numpy import arrays, mutually_broadcastable_shapes
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

import minigrad
from _compare import assert_close

FULL = os.environ.get("MINIGRAD_TEST_PROFILE") == "full"
ATOL, RTOL = 1e-9, 1e-7  # float64 throughout
# A gradient element is computed from quantities shared by the whole tensor (a reduction's mean and
# norm, a matmul's rows), whose rounding is relative to the *largest* terms: an element next to ones
# of size 1e44 carries an absolute error of eps64 * 1e44 * (a few ops), however small it is itself.
# So gradients also get a norm-wise bound: 64 * eps64 * max|gradient| (found: std of exp(x) with
# elements near 1e44, where torch gives -0.0337 and minigrad 0 for a small element).
NORMWISE = 64 * 2.0 ** -52


def _assert_gradient_close(ours, theirs, what):
    scale = float(theirs.detach().abs().max()) if theirs.numel() else 0.0
    atol = ATOL + NORMWISE * scale if math.isfinite(scale) else ATOL
    assert_close(ours.detach(), theirs.detach(), atol=atol, rtol=RTOL, what=what)
HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


def examples(ci, full):
    """``ci`` examples by default, derandomized (the same examples on every run: CI never fails on a
    newly found case), or ``full`` random ones under MINIGRAD_TEST_PROFILE=full."""
    return settings(max_examples=full if FULL else ci, derandomize=not FULL, deadline=None,
                    suppress_health_check=HEALTH)


pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::UserWarning")

# --- values ------------------------------------------------------------------------------------------
# Small floats, with repeats and exact zeros now and then: ties (max), kinks (relu, abs at 0) and
# zeros (prod) are where gradients are easiest to get wrong. Magnitudes below 1e-100 become 0: their
# squares underflow, where torch itself is inconsistent (the norm of one such element is |x|, of two 0).
ELEMENTS = st.one_of(st.floats(-3, 3, width=64).map(lambda v: v if abs(v) > 1e-100 else 0.0),
                     st.sampled_from([0.0, 1.0, -1.0, 0.5]))


def shapes(min_dims=0, max_dims=3, min_side=1, max_side=4):
    return st.lists(st.integers(min_side, max_side), min_size=min_dims, max_size=max_dims).map(tuple)


# --- the op catalogue: each entry is fn(lib, *tensors) written against the torch API -----------------
def _F(lib):
    return lib.nn.functional


UNARY = {
    "neg": lambda lib, t: -t,
    "exp": lambda lib, t: (t * 0.3).exp(),
    "tanh": lambda lib, t: t.tanh(),
    "sigmoid": lambda lib, t: t.sigmoid(),
    "relu": lambda lib, t: t.relu(),
    "abs": lambda lib, t: t.abs(),
    "sin": lambda lib, t: t.sin(),
    "cos": lambda lib, t: t.cos(),
    "square": lambda lib, t: t.square(),
    "cube": lambda lib, t: t ** 3,
    "log": lambda lib, t: (t.abs() + 0.5).log(),
    "sqrt": lambda lib, t: (t * t + 0.25).sqrt(),
    "reciprocal": lambda lib, t: (t.abs() + 0.5).reciprocal(),
    "clamp": lambda lib, t: t.clamp(-1.0, 1.0),
    "clamp_min": lambda lib, t: t.clamp(min=0.5),
    "scalar_ops": lambda lib, t: 2.0 - t / 3 + 1.5 * t,
    "rpow": lambda lib, t: 2.0 ** t.tanh(),
    "gelu": lambda lib, t: _F(lib).gelu(t),
    "silu": lambda lib, t: _F(lib).silu(t),
    "softplus": lambda lib, t: _F(lib).softplus(t),
    "elu": lambda lib, t: _F(lib).elu(t),
    "leaky_relu": lambda lib, t: _F(lib).leaky_relu(t, 0.1),
    "hardtanh": lambda lib, t: _F(lib).hardtanh(t),
    "relu6": lambda lib, t: _F(lib).relu6(t * 4),
    "threshold": lambda lib, t: _F(lib).threshold(t, 0.5, -2.0),
    "hardshrink": lambda lib, t: _F(lib).hardshrink(t),
    "softshrink": lambda lib, t: _F(lib).softshrink(t),
    "hardsigmoid": lambda lib, t: _F(lib).hardsigmoid(t * 4),  # (its second backward raises in torch)
    "logsigmoid": lambda lib, t: _F(lib).logsigmoid(t),
    "mish": lambda lib, t: _F(lib).mish(t),
}

BINARY = {
    "add": lambda lib, a, b: a + b,
    "sub": lambda lib, a, b: a - b,
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / (b.abs() + 0.5),
    "pow": lambda lib, a, b: (a.abs() + 0.5) ** b.tanh(),
    "maximum": lambda lib, a, b: lib.maximum(a, b),
    "minimum": lambda lib, a, b: lib.minimum(a, b),
    "where": lambda lib, a, b: lib.where(a > b, a, b * 2),
    "add_alpha": lambda lib, a, b: lib.add(a, b, alpha=-0.5),
    "mse": lambda lib, a, b: _F(lib).mse_loss(a, b, reduction="none") if a.shape == b.shape else a - b,
}

REDUCTIONS = {  # fn(lib, t, dim, keepdim); dim None means over everything
    "sum": lambda lib, t, d, k: t.sum() if d is None else t.sum(d, keepdim=k),
    "mean": lambda lib, t, d, k: t.mean() if d is None else t.mean(d, keepdim=k),
    "amax": lambda lib, t, d, k: t.amax() if d is None else t.amax(d, keepdim=k),
    "amin": lambda lib, t, d, k: t.amin() if d is None else t.amin(d, keepdim=k),
    "max": lambda lib, t, d, k: t.max() if d is None else t.max(d, keepdim=k).values,
    "min": lambda lib, t, d, k: t.min() if d is None else t.min(d, keepdim=k)[0],
    "prod": lambda lib, t, d, k: t.prod() if d is None else t.prod(d, keepdim=k),
    "var": lambda lib, t, d, k: t.var() if d is None else t.var(d, keepdim=k),
    "std_biased": lambda lib, t, d, k: t.std(correction=0) if d is None else t.std(d, keepdim=k, correction=0),
    "logsumexp": lambda lib, t, d, k: t.logsumexp(tuple(range(t.dim())) if d is None else d, keepdim=k),
    "norm": lambda lib, t, d, k: t.norm() if d is None else t.norm(dim=d, keepdim=k),
    "softmax": lambda lib, t, d, k: t.softmax(0 if d is None else d),
    "log_softmax": lambda lib, t, d, k: _F(lib).log_softmax(t, dim=0 if d is None else d),
    "cumsum": lambda lib, t, d, k: t.cumsum(0 if d is None else d),
}


def _dims(ndim):
    return list(range(-max(ndim, 1), max(ndim, 1)))


class Program:
    """Draws and runs a program step by step on both libraries, keeping them in lockstep."""

    def __init__(self, data, mutating=False):
        self.data = data
        self.mutating = mutating  # views and in-place steps too (issue 14)
        self.leaves = []  # (minigrad, torch) leaf pairs
        self.pool = []    # (minigrad, torch) results so far
        self.lines = []

    def draw(self, strategy, label=None):
        return self.data.draw(strategy, label=label)

    def leaf(self, shape):
        values = self.draw(arrays(np.float64, shape, elements=ELEMENTS), label=f"leaf {len(self.leaves)}")
        pair = (minigrad.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True))
        self.leaves.append(pair)
        return pair

    def run(self, text, fn, *operands):
        """``fn(lib, *tensors)`` on both libraries: equal results, or the same exception type."""
        self.lines.append(text)
        note(f"step {len(self.lines)}: {text}")
        results, errors = [], []
        for i, lib in enumerate((minigrad, torch)):
            try:
                results.append(fn(lib, *(o[i] for o in operands)))
            except Exception as exc:  # noqa: BLE001 - compared below
                errors.append(exc)
        if errors:
            assert len(errors) == 2, f"{text}: only one library raised: {errors[0]!r}"
            assert type(errors[0]) is type(errors[1]), f"{text}: {errors[0]!r} vs torch's {errors[1]!r}"
            event(f"ended by {type(errors[1]).__name__}")
            return None
        ours, theirs = results
        assert_close(ours, theirs, atol=ATOL, rtol=RTOL, what=text)
        pair = (ours, theirs)
        self.pool.append(pair)
        return pair

    # --- one step -------------------------------------------------------------------------------------
    def step(self):
        a = self.draw(st.sampled_from(self.pool[-3:]), label="operand")
        shape = tuple(a[1].shape)
        kinds = ["unary", "binary_new", "reduction", "shape", "index"]
        if len(self.pool) > 1:
            kinds.append("binary_pool")
        if a[1].dim() >= 1:
            kinds.append("matmul")
        if self.mutating:
            kinds += ["view", "view", "in_place", "in_place", "in_place", "fresh"]
        kind = self.draw(st.sampled_from(kinds), label="kind")
        event(f"step: {kind}")
        return getattr(self, kind)(a, shape)

    def unary(self, a, shape):
        name = self.draw(st.sampled_from(sorted(UNARY)), label="unary")
        return self.run(name, UNARY[name], a)

    def binary_new(self, a, shape):
        other = self.draw(self._broadcastable_to(shape), label="other shape")
        b = self.leaf(other)
        name = self.draw(st.sampled_from(sorted(BINARY)), label="binary")
        swap = self.draw(st.booleans(), label="swap")
        x, y = (b, a) if swap else (a, b)
        return self.run(f"{name}({'new' if swap else 't'} {tuple(x[1].shape)}, {tuple(y[1].shape)})",
                        BINARY[name], x, y)

    def binary_pool(self, a, shape):
        b = self.draw(st.sampled_from(self.pool), label="pool operand")
        name = self.draw(st.sampled_from(sorted(BINARY)), label="binary")
        return self.run(f"{name}(pool {shape}, pool {tuple(b[1].shape)})", BINARY[name], a, b)

    def _broadcastable_to(self, shape):
        """Shapes that broadcast with ``shape``: dims dropped from the left, set to 1, or added."""
        def build(choices):
            lead, keep, ones = choices
            body = tuple(1 if one else s for s, one in zip(shape[len(shape) - keep:], ones))
            return tuple(lead) + body if keep == len(shape) else body
        return st.tuples(st.lists(st.integers(1, 3), max_size=1), st.integers(0, len(shape)),
                         st.lists(st.booleans(), min_size=len(shape), max_size=len(shape))).map(build)

    def reduction(self, a, shape):
        name = self.draw(st.sampled_from(sorted(REDUCTIONS)), label="reduction")
        dim = self.draw(st.one_of(st.none(), st.sampled_from(_dims(len(shape)))), label="dim")
        if name in ("sum", "mean", "amax", "amin", "logsumexp", "norm", "var") and len(shape) >= 2 and \
                self.draw(st.booleans(), label="two dims"):
            dim = (0, -1)
        keepdim = self.draw(st.booleans(), label="keepdim")
        return self.run(f"{name}(dim={dim}, keepdim={keepdim}) of {shape}",
                        lambda lib, t: REDUCTIONS[name](lib, t, dim, keepdim), a)

    def shape(self, a, shape):
        ndim = len(shape)
        options = {
            "flatten": lambda lib, t: t.reshape(-1),
            "reshape_reversed": lambda lib, t: t.reshape(shape[::-1]),
            "unsqueeze": lambda lib, t: t.unsqueeze(-1).unsqueeze(0),
            "squeeze": lambda lib, t: t.squeeze(),
            "flip": lambda lib, t: t.flip(0) if ndim else t,
            "cat_with_itself": lambda lib, t: lib.cat([t, t * 2], dim=0) if ndim else lib.stack([t, t]),
            "stack": lambda lib, t: lib.stack([t, t.sin()], dim=-1),
        }
        if ndim >= 2:
            i, j = self.draw(st.permutations(range(ndim)), label="dims")[:2]
            perm = self.draw(st.permutations(range(ndim)), label="perm")
            options["transpose"] = lambda lib, t: t.transpose(i, j)
            options["permute"] = lambda lib, t: t.permute(*perm)
            options["mT_contiguous"] = lambda lib, t: t.mT.contiguous().view(-1)
            options["chunk"] = lambda lib, t: t.chunk(2, dim=1)[0]
        if 1 in shape:
            target = tuple(3 if s == 1 else s for s in shape)
            options["expand"] = lambda lib, t: t.expand(*target)
        name = self.draw(st.sampled_from(sorted(options)), label="shape op")
        return self.run(f"{name} of {shape}", options[name], a)

    def index(self, a, shape):
        if not shape or shape[0] == 0:
            return self.run(f"item-like index of {shape}", lambda lib, t: t[None] * 1, a)
        n = shape[0]
        rows = self.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=5), label="rows")
        k = self.draw(st.integers(-n, n - 1), label="k")
        options = {
            "int": lambda lib, t: t[k],
            "slice": lambda lib, t: t[1:],
            "step_slice": lambda lib, t: t[::2],
            "list": lambda lib, t: t[rows],
            "mask": lambda lib, t: t[t > 0],
            "index_select": lambda lib, t: t.index_select(0, lib.tensor([r % n for r in rows])),
            "narrow": lambda lib, t: t.narrow(0, 0, 1),
            "ellipsis": lambda lib, t: t[..., 0] if len(shape) > 1 else t[...],
        }
        if len(shape) >= 2:
            cols = self.draw(st.lists(st.integers(0, shape[1] - 1), min_size=1, max_size=3), label="cols") \
                if shape[1] else []
            idx = np.array([[c for c in cols]] * n, dtype=np.int64) if cols else None
            if idx is not None:
                options["gather"] = lambda lib, t: t.gather(1, lib.tensor(idx).reshape(n, -1, *[1] * (len(shape) - 2))
                                                            .expand(n, len(cols), *shape[2:]))
            options["rows_and_cols"] = lambda lib, t: t[rows, 0]
        name = self.draw(st.sampled_from(sorted(options)), label="index op")
        return self.run(f"{name} of {shape} (rows={rows}, k={k})", options[name], a)

    def matmul(self, a, shape):
        k = self.draw(st.integers(1, 3), label="k")
        form = self.draw(st.sampled_from(["right_matrix", "right_vector", "left", "linear", "right_batch", "left_batch"]),
                         label="matmul form")
        if form in ("right_batch", "left_batch"):  # 3-D on the other side: torch folds into mm/mv or broadcasts to bmm
            batch = self.draw(st.sampled_from([1, 2]), label="batch")
            if form == "right_batch":
                w = self.leaf((batch, shape[-1], k))
                return self.run(f"{shape} @ {(batch, shape[-1], k)}", lambda lib, t, m: t @ m, a, w)
            rows = shape[-2] if len(shape) >= 2 else shape[0]
            w = self.leaf((batch, k, rows))
            return self.run(f"{(batch, k, rows)} @ {shape}", lambda lib, m, t: m @ t, w, a)
        if form == "right_matrix":
            w = self.leaf((shape[-1], k))
            return self.run(f"{shape} @ {(shape[-1], k)}", lambda lib, t, m: t @ m, a, w)
        if form == "right_vector":
            w = self.leaf((shape[-1],))
            return self.run(f"{shape} @ {(shape[-1],)}", lambda lib, t, m: lib.matmul(t, m), a, w)
        if form == "linear":
            w, b = self.leaf((k, shape[-1])), self.leaf((k,))
            return self.run(f"linear {shape} by {(k, shape[-1])}", lambda lib, t, m, c: _F(lib).linear(t, m, c), a, w, b)
        rows = shape[-2] if len(shape) >= 2 else shape[0]
        w = self.leaf((k, rows))
        return self.run(f"{(k, rows)} @ {shape}", lambda lib, m, t: m @ t, w, a)


    # --- views and in-place ops (issue 14) --------------------------------------------------------------
    def fresh(self, a, shape):
        """A tensor in-place ops may change: a non-leaf copy, or a plain tensor needing no grad."""
        form = self.draw(st.sampled_from(["times_one", "clone", "no_grad_tensor", "detach"]), label="fresh")
        if form == "no_grad_tensor":
            values = self.draw(arrays(np.float64, shape, elements=ELEMENTS), label="plain values")
            pair = (minigrad.tensor(values), torch.tensor(values))
            self.lines.append(f"plain tensor {shape}")
            self.pool.append(pair)
            return pair
        fns = {"times_one": lambda lib, t: t * 1, "clone": lambda lib, t: t.clone(),
               "detach": lambda lib, t: t.detach()}
        return self.run(f"{form} of {shape}", fns[form], a)

    def view(self, a, shape):
        ndim = len(shape)
        options = {
            "view_flat": lambda lib, t: t.view(-1),
            "reshape": lambda lib, t: t.reshape(shape[::-1]),
            "unsqueeze": lambda lib, t: t.unsqueeze(0),
            "squeeze": lambda lib, t: t.squeeze(),
            "none_index": lambda lib, t: t[None],
            "ellipsis": lambda lib, t: t[...],
            "detach": lambda lib, t: t.detach(),
            "no_grad_view": lambda lib, t: _no_grad(lib, lambda: t[:1] if ndim else t[...]),
        }
        if ndim >= 1 and shape[0] >= 1:
            n = shape[0]
            k = self.draw(st.integers(-n, n - 1), label="k")
            start = self.draw(st.integers(0, n - 1), label="start")
            length = self.draw(st.integers(0, n - start), label="length")
            options.update({
                "int": lambda lib, t: t[k],
                "slice": lambda lib, t: t[start:start + length],
                "step_slice": lambda lib, t: t[start::2],
                "narrow": lambda lib, t: t.narrow(0, start, length),
                "select_last": lambda lib, t: t.select(-1, -1),
                "chunk": lambda lib, t: t.chunk(2)[-1],
                "split": lambda lib, t: t.split(1)[0],
                "unbind": lambda lib, t: t.unbind(0)[k],
                "t": lambda lib, t: t.t() if ndim <= 2 else t.transpose(0, 1),
            })
        if ndim >= 2:
            perm = self.draw(st.permutations(range(ndim)), label="perm")
            options["transpose"] = lambda lib, t: t.transpose(0, -1)
            options["permute"] = lambda lib, t: t.permute(*perm)
            options["rows_and_slice"] = lambda lib, t: t[1:, -1]
            options["mT_view"] = lambda lib, t: t.mT.view(-1)  # (not contiguous: both raise)
        if 1 in shape:
            target = tuple(2 if s == 1 else s for s in shape)
            options["expand"] = lambda lib, t: t.expand(*target)
        name = self.draw(st.sampled_from(sorted(options)), label="view op")
        return self.run(f"view {name} of {shape}", options[name], a)

    def in_place(self, a, shape):
        """An in-place op on ``a`` (any tensor of the pool: a leaf, a view, a base)."""
        other = self._operand(shape)
        ndim = len(shape)
        options = {
            "add_": lambda lib, t, o: t.add_(o, alpha=0.5),
            "sub_": lambda lib, t, o: t.sub_(o),
            "mul_": lambda lib, t, o: t.mul_(o),
            "mul_scalar": lambda lib, t, o: t.mul_(-1.5),
            "div_": lambda lib, t, o: t.div_(o.abs() + 0.5),
            "pow_": lambda lib, t, o: t.pow_(2),
            "neg_": lambda lib, t, o: t.neg_(),
            "abs_": lambda lib, t, o: t.abs_(),
            "exp_": lambda lib, t, o: t.clamp_(-2, 2).exp_(),
            "log_": lambda lib, t, o: t.abs_().add_(0.5).log_(),
            "sqrt_": lambda lib, t, o: t.abs_().add_(0.25).sqrt_(),
            "tanh_": lambda lib, t, o: t.tanh_(),
            "sigmoid_": lambda lib, t, o: t.sigmoid_(),
            "relu_": lambda lib, t, o: t.relu_(),
            "floor_": lambda lib, t, o: t.floor_(),
            "round_": lambda lib, t, o: t.round_(),
            "clamp_": lambda lib, t, o: t.clamp_(-0.5, 1.0),
            "zero_": lambda lib, t, o: t.zero_(),
            "fill_": lambda lib, t, o: t.fill_(0.25),
            "copy_": lambda lib, t, o: t.copy_(o),
            "masked_fill_": lambda lib, t, o: t.masked_fill_(t > 0, 2.0),
            "iadd": lambda lib, t, o: _augmented(t, "+=", o),
            "isub": lambda lib, t, o: _augmented(t, "-=", o * 2),
            "imul": lambda lib, t, o: _augmented(t, "*=", o),
            "idiv": lambda lib, t, o: _augmented(t, "/=", 2.0),
            "ipow": lambda lib, t, o: _augmented(t, "**=", 2),
            "F.relu": lambda lib, t, o: _F(lib).relu(t, inplace=True),
            "F.leaky_relu": lambda lib, t, o: _F(lib).leaky_relu(t, 0.2, inplace=True),
            "F.leaky_relu_negative": lambda lib, t, o: _F(lib).leaky_relu(t, -0.5, inplace=True),  # backward refuses
            "F.threshold": lambda lib, t, o: _F(lib).threshold(t, 0.1, 2.0, inplace=True),
            "F.relu6": lambda lib, t, o: _F(lib).relu6(t, inplace=True),
            "F.hardsigmoid": lambda lib, t, o: _F(lib).hardsigmoid(t, inplace=True),
            "ifloordiv": lambda lib, t, o: _augmented(t, "//=", 0.5),  # no derivative: torch's NotImplemented node
            "imod": lambda lib, t, o: _augmented(t, "%=", 0.75),
            "F.elu": lambda lib, t, o: _F(lib).elu(t, inplace=True),
            "F.hardtanh": lambda lib, t, o: _F(lib).hardtanh(t, inplace=True),
            "F.silu": lambda lib, t, o: _F(lib).silu(t, inplace=True),
            "setitem_all": lambda lib, t, o: _setitem(t, ..., o),
            "setitem_scalar": lambda lib, t, o: _setitem(t, 0 if ndim else ..., 3.0),
            "setitem_mask": lambda lib, t, o: _setitem(t, t > 0, -1.0),
        }
        if ndim >= 1 and shape[0] >= 1:
            rows = self.draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=3, unique=True),
                             label="rows")
            options["setitem_slice"] = lambda lib, t, o: _setitem(t, slice(0, 1), o[:1] if o.dim() else o)
            options["setitem_rows"] = lambda lib, t, o: _setitem(t, rows, o[:1] * 2 if o.dim() else o)
            options["setitem_from_self"] = lambda lib, t, o: _setitem(t, -1, t[0] * 5)
        name = self.draw(st.sampled_from(sorted(options)), label="in-place op")
        return self.run(f"in-place {name} on {shape} with {tuple(other[1].shape)}", options[name], a, other)

    def _operand(self, shape):
        """The other operand of an in-place op: a new leaf (needing grad or not) that broadcasts to
        ``shape``, or a tensor of the pool (which may share memory with the changed one)."""
        form = self.draw(st.sampled_from(["leaf", "plain", "pool"]), label="operand form")
        if form == "pool":
            return self.draw(st.sampled_from(self.pool), label="pool operand")
        other = self.draw(self._broadcastable_to(shape).filter(lambda s: len(s) <= len(shape)), label="shape")
        if form == "leaf":
            return self.leaf(other)
        values = self.draw(arrays(np.float64, other, elements=ELEMENTS), label="plain operand")
        return minigrad.tensor(values), torch.tensor(values)

    def check_final_state(self):
        """After in-place ops, every tensor made so far must still agree: values and requires_grad."""
        for n, (ours, theirs) in enumerate(self.pool):
            assert ours.requires_grad == theirs.requires_grad, f"pool {n}: requires_grad {ours.requires_grad}"
            assert_close(ours.detach(), theirs.detach(), atol=ATOL, rtol=RTOL, what=f"final value of pool {n}")

    # --- the end: one backward -------------------------------------------------------------------------
    def check_gradients(self):
        terms = self.draw(st.lists(st.sampled_from(range(len(self.pool))), min_size=0, max_size=2, unique=True),
                          label="extra loss terms")
        last = len(self.pool) - 1
        weights = self.draw(arrays(np.float64, tuple(self.pool[last][1].shape), elements=st.floats(-2, 2)),
                            label="weights")
        losses = []
        for i, lib in enumerate((minigrad, torch)):
            try:  # (using a multi-output or no_grad view whose base changed since raises)
                loss = (self.pool[last][i] * lib.tensor(weights)).sum()
                for j, term in enumerate(terms):
                    loss = loss + (j + 0.5) * self.pool[term][i].sum()
            except RuntimeError as exc:
                loss = exc
            losses.append(loss)
        if isinstance(losses[0], Exception) or isinstance(losses[1], Exception):
            assert type(losses[0]) is type(losses[1]), f"loss: {losses[0]!r} vs torch's {losses[1]!r}"
            return
        assert_close(losses[0], losses[1], atol=ATOL, rtol=RTOL, what="loss")
        if not losses[1].requires_grad:
            return
        mode = self.draw(st.sampled_from(["backward", "grad", "grad_create_graph"]), label="grad mode") \
            if self.mutating else "backward"
        if mode != "backward":
            return self._check_autograd_grad(losses, mode == "grad_create_graph")
        errors = []
        for loss in losses:
            try:
                loss.backward()
            except RuntimeError as exc:
                errors.append(exc)
        if errors:
            assert len(errors) == 2, f"backward: only one library raised: {errors[0]!r}"
            return
        for n, (ours, theirs) in enumerate(self.leaves):
            if theirs.grad is None:
                assert ours.grad is None, f"leaf {n}: torch has no gradient, minigrad has {ours.grad}"
            else:
                assert ours.grad is not None, f"leaf {n}: no gradient, torch has one"
                _assert_gradient_close(ours.grad, theirs.grad, what=f"gradient of leaf {n}")

    def _check_autograd_grad(self, losses, create_graph):
        """``autograd.grad`` of the loss for every leaf; with ``create_graph``, then the gradient of
        the sum of the squared gradients (a second derivative through everything the program did)."""
        results = []
        for i, loss in enumerate(losses):
            leaves = [pair[i] for pair in self.leaves]
            try:
                grads = (minigrad, torch)[i].autograd.grad(loss, leaves, allow_unused=True, create_graph=create_graph)
                if create_graph:
                    total = sum((g * g).sum() for g in grads if g is not None and g.requires_grad)
                    if isinstance(total, (minigrad.Tensor, torch.Tensor)):
                        second = (minigrad, torch)[i].autograd.grad(total, leaves, allow_unused=True)
                        grads = tuple(grads) + tuple(second)
                results.append(grads)
            except RuntimeError as exc:
                results.append(exc)
        ours, theirs = results
        if isinstance(theirs, Exception) or isinstance(ours, Exception):
            assert type(ours) is type(theirs), f"autograd.grad: {ours!r} vs torch's {theirs!r}"
            return
        assert len(ours) == len(theirs), "second derivatives: one library's gradients need no grad"
        for n, (o, t) in enumerate(zip(ours, theirs)):
            assert (o is None) == (t is None), f"gradient {n}: {o} vs torch's {t}"
            if t is not None:
                _assert_gradient_close(o, t, what=f"autograd.grad {n}")


def _setitem(t, index, value):
    """``t[index] = value``, then ``t`` (the step's result)."""
    t[index] = value
    return t


def _no_grad(lib, fn):
    """``fn()`` under ``lib.no_grad()`` (a view made there requires grad when its base does, with no
    ``grad_fn``, and is refused in place)."""
    with lib.no_grad():
        return fn()


def _augmented(t, op, other):
    """``t op= other`` (an augmented assignment, which Python rebinds to the method's result)."""
    ns = {"t": t, "o": other}
    exec(f"t {op} o", ns)  # noqa: S102 - the operator itself is what is tested
    return ns["t"]


def _program_test(first_shape):
    """A test that runs random programs starting from a leaf of a shape drawn from ``first_shape``."""
    @examples(ci=150, full=3000)
    @given(data=st.data())
    def test(data):
        program = Program(data)
        program.pool.append(program.leaf(data.draw(first_shape, label="first shape")))
        for _ in range(data.draw(st.integers(1, 6), label="steps")):
            if program.step() is None:
                return  # both raised the same exception type: the program ends there
        program.check_gradients()
    return test


test_random_programs_match_torch = _program_test(shapes(0, 3))
test_random_programs_on_matrices_match_torch = _program_test(shapes(2, 3, 1, 3))
test_random_programs_with_empty_dims_match_torch = _program_test(shapes(1, 3, 0, 3))


@examples(ci=400, full=20000)
@given(data=st.data())
def test_random_programs_with_views_and_in_place_match_torch(data):
    program = Program(data, mutating=True)
    program.pool.append(program.leaf(data.draw(shapes(0, 3, 1, 3), label="first shape")))
    for _ in range(data.draw(st.integers(1, 8), label="steps")):
        if program.step() is None:
            break  # both raised the same exception type: the program ends there
    program.check_final_state()
    program.check_gradients()


# --- broadcasting ----------------------------------------------------------------------------------------
BROADCAST_OPS = {
    "add": lambda lib, a, b, c: a + b + c,
    "mul_sub": lambda lib, a, b, c: a * b - c,
    "div": lambda lib, a, b, c: a / (b * b + 1) * c,
    "where": lambda lib, a, b, c: lib.where(a > 0, b, c),
    "maximum": lambda lib, a, b, c: lib.maximum(lib.minimum(a, b), c),
    "pow": lambda lib, a, b, c: (a * a + 1) ** b + c,
}


@examples(ci=100, full=2000)
@given(data=st.data())
def test_broadcasting_of_mutually_broadcastable_shapes(data):
    (s1, s2, s3), result = data.draw(mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=4,
                                                                   min_side=0, max_side=3), label="shapes")
    name = data.draw(st.sampled_from(sorted(BROADCAST_OPS)), label="op")
    values = [data.draw(arrays(np.float64, s, elements=ELEMENTS), label=f"input {i}") for i, s in
              enumerate((s1, s2, s3))]
    outs, grads = [], []
    for lib in (minigrad, torch):
        leaves = [lib.tensor(v, requires_grad=True) for v in values]
        out = BROADCAST_OPS[name](lib, *leaves)
        (out * lib.arange(out.numel(), dtype=lib.float64).reshape(out.shape)).sum().backward()
        outs.append(out)
        grads.append([t.grad for t in leaves])
    assert tuple(outs[0].shape) == result
    assert_close(outs[0], outs[1], atol=ATOL, rtol=RTOL)
    for i, (ours, theirs) in enumerate(zip(*grads)):
        if theirs is None:  # where's condition
            assert ours is None
            continue
        assert tuple(ours.shape) == (s1, s2, s3)[i]  # reduced back to the input's own shape
        assert_close(ours, theirs, atol=ATOL, rtol=RTOL, what=f"gradient {i}")


@st.composite
def clashing_shapes(draw):
    """Two shapes that do not broadcast: equal but for one dim where both are > 1 and differ, each
    then optionally losing leading dims (not past the clash) or gaining leading ones."""
    base = draw(shapes(1, 4, 0, 4))
    i = draw(st.integers(0, len(base) - 1))
    a, b = list(base), list(base)
    a[i], b[i] = draw(st.lists(st.integers(2, 5), min_size=2, max_size=2, unique=True))
    a, b = a[draw(st.integers(0, i)):], b[draw(st.integers(0, i)):]
    return tuple(draw(shapes(0, 2, 0, 3)) + tuple(a)), tuple(b)


@examples(ci=100, full=2000)
@given(data=st.data())
def test_shapes_that_do_not_broadcast_raise_torchs_error(data):
    a, b = data.draw(clashing_shapes(), label="shapes")
    messages = []
    for lib in (minigrad, torch):
        with pytest.raises(RuntimeError) as err:
            lib.ones(a) * lib.ones(b)
        messages.append(str(err.value))
    assert messages[0] == messages[1]


@examples(ci=100, full=2000)
@given(data=st.data())
def test_in_place_broadcasting_matches_torch(data):
    """``a.add_(b)``: b must broadcast to a's shape (not the other way round)."""
    (sa, sb), _ = data.draw(mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), label="shapes")
    va, vb = (data.draw(arrays(np.float64, s, elements=ELEMENTS)) for s in (sa, sb))
    results, errors = [], []
    for lib in (minigrad, torch):
        a = lib.tensor(va)
        try:
            results.append(a.mul_(lib.tensor(vb)).add_(1))
        except RuntimeError as exc:
            errors.append(str(exc))
    if errors:
        assert len(errors) == 2 and errors[0] == errors[1]
    else:
        assert_close(results[0], results[1], atol=ATOL, rtol=RTOL)


# --- a stateful machine: random graphs, repeated backward, accumulation ------------------------------
class GraphMachine(RuleBasedStateMachine):
    """Grows a graph on both libraries; leaves' .grad must agree after every rule."""

    nodes = Bundle("nodes")

    @initialize(target=nodes, values=arrays(np.float64, (2, 3), elements=ELEMENTS))
    def first_leaf(self, values):
        self.leaves = []
        return self._leaf(values)

    def _leaf(self, values):
        pair = (minigrad.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True))
        self.leaves.append(pair)
        return pair

    @rule(target=nodes, values=st.one_of(arrays(np.float64, (2, 3), elements=ELEMENTS),
                                         arrays(np.float64, (3,), elements=ELEMENTS),
                                         arrays(np.float64, (2, 1), elements=ELEMENTS)))
    def new_leaf(self, values):
        return self._leaf(values)

    @rule(target=nodes, a=nodes, b=nodes, op=st.sampled_from(sorted(BINARY)))
    def binary(self, a, b, op):
        return self._apply(BINARY[op], a, b)

    @rule(target=nodes, a=nodes, op=st.sampled_from(sorted(UNARY)))
    def unary(self, a, op):
        return self._apply(UNARY[op], a)

    @rule(target=nodes, a=nodes, op=st.sampled_from(["sum0", "mean_keep", "amax"]))
    def reduce(self, a, op):
        fns = {"sum0": lambda lib, t: t.sum(0), "mean_keep": lambda lib, t: t.mean(-1, keepdim=True),
               "amax": lambda lib, t: t.amax(-1, keepdim=True)}
        return self._apply(fns[op], a)

    def _apply(self, fn, *operands):
        ours, theirs = fn(minigrad, *(o[0] for o in operands)), fn(torch, *(o[1] for o in operands))
        assert_close(ours, theirs, atol=ATOL, rtol=RTOL)
        return ours, theirs

    @rule(node=nodes, scale=st.floats(-2, 2))
    def backward(self, node, scale):
        for t in node:
            if t.requires_grad:
                (t.sum() * scale).backward(retain_graph=True)

    @rule()
    def zero_grad(self):
        for pair in self.leaves:
            for t in pair:
                t.grad = None

    @invariant()
    def gradients_agree(self):
        for ours, theirs in getattr(self, "leaves", []):
            assert (ours.grad is None) == (theirs.grad is None)
            if theirs.grad is not None:
                assert_close(ours.grad, theirs.grad, atol=ATOL, rtol=RTOL, what="accumulated gradient")


GraphMachine.TestCase.settings = settings(examples(ci=40, full=1000), stateful_step_count=12)
TestGraphMachine = GraphMachine.TestCase

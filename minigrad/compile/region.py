"""``CompiledFunction``: the call that captures, checks and replays a region.

Per signature (``guards.Guard.key``) a region goes through three states:

1. **capture** (first call): run eagerly under a ``capture.Recorder``, then ``program.build``.
2. **check** (second call): snapshot every tensor, gradient, optimizer state and generator the
   program touches; replay; restore the snapshot; run eagerly; compare every bit of the results
   and of that state. Only a program that matched is trusted. A mismatch (or an error in replay)
   makes this signature eager for good, with one warning. The eager run's results stand.
3. **replay** (later calls): the program alone.

(The check's snapshot and comparisons are in ``check.py``.)

A value the region read into Python before changing anything outside itself is a *guard*: replay
computes it again and, where it differs, runs that call eagerly (``GUARD_MISSES`` such calls make
the signature eager, with a warning naming the line). A region that read a value after changing
something (a draw, an in-place change, an optimizer step), or whose output shape depended on
values, is eager for good after one warning naming the line (``capture.Recorder.poison``). More signatures than
``recompile_limit`` (torch's default: 8) run eagerly with torch's warning.

A region whose output still has a graph (a module's forward, with ``loss.backward()`` outside)
records its backward too: ``autograd.grad`` of the output through the eager graph, captured right
after the forward, is the backward program. Replay returns the output with one node
(``program.CompiledFunctionBackward``) whose backward runs that program.
"""
import functools
import warnings

import numpy as np

from ..autograd import engine
from ..tensor import _wrap
from . import program as _program
from .capture import Recorder, tensors_in
from .check import Snapshot, same, same_backward
from .guards import Guard, flatten_args
from .steps import GuardMiss
from .traced import TracedArray, plain

RECOMPILE_LIMIT = 8  # torch._dynamo.config.recompile_limit (formerly cache_size_limit)
GUARD_MISSES = 3     # calls a signature's guards may fail before it runs eagerly for good


class _Entry:
    """One signature's program and its state: "check" (not yet verified), "replay" or "eager"."""

    __slots__ = ("program", "backward", "state", "leaves", "generators", "misses")

    def __init__(self, program, backward, leaves, generators):
        self.program, self.backward, self.leaves = program, backward, leaves
        self.generators = generators  # (the check snapshots their states)
        self.state = "check"
        self.misses = 0               # calls whose guards failed (run eagerly)


class CompiledFunction:
    """``minigrad.compile(fn)``: call it like ``fn``."""

    def __init__(self, fn, recompile_limit=RECOMPILE_LIMIT):
        self.fn = fn
        self.recompile_limit = recompile_limit
        self.cache = {}
        self.guard = None
        self.eager_reason = None
        self._limit_warned = False
        functools.update_wrapper(self, fn)

    def __get__(self, obj, objtype=None):
        return self if obj is None else functools.partial(self.__call__, obj)

    def __call__(self, *args, **kwargs):
        if self.eager_reason is not None:
            return self.fn(*args, **kwargs)
        flat, arg_key, objects = flatten_args(args, kwargs)
        if self.guard is None or not self.guard.same_objects(objects):
            self.guard = Guard(self.fn, objects)
            self.cache.clear()
        key = self.guard.key(arg_key, flat)
        entry = self.cache.get(key)
        if entry is None:
            if len(self.cache) >= self.recompile_limit:
                self._warn_limit()
                return self.fn(*args, **kwargs)
            return self._capture(key, args, kwargs, flat)
        if entry.state == "replay":
            try:
                return self._replay(entry, flat)
            except GuardMiss as miss:
                return self._missed(entry, miss, args, kwargs)
        if entry.state == "check":
            return self._check(entry, args, kwargs, flat)
        return self.fn(*args, **kwargs)

    def explain(self):
        """The source of every recorded program (what replay runs)."""
        return "\n".join(e.program.source + (e.backward.source if e.backward else "")
                         for e in self.cache.values() if e.program is not None)

    # --- capture --------------------------------------------------------------------------------------
    def _capture(self, key, args, kwargs, flat):
        rec = Recorder()
        installed, start = [], {}
        arg_index = {}
        for i, t in enumerate(flat):
            arg_index.setdefault(id(t), i)
        watched = list({id(t): t for t in flat}.values()) + \
            [t for t in self.guard.persistent if id(t) not in arg_index]
        if any(t._data.__class__ is not np.ndarray for t in watched):
            return self._refuse(args, kwargs, "a tensor that is not on the CPU (minigrad.compile records NumPy "
                                              "calls; replay through CuPy's CUDA graphs is not done)")
        rec.on_poison = lambda: _untrace(watched, installed)
        rec.begin()
        try:
            for t in watched:
                start[id(t)] = (t._data, t._grad, t._requires_grad, t._grad_fn)
                source = _program.Source("arg", arg_index[id(t)]) if id(t) in arg_index else \
                    _program.Source("data", tensor=t)
                installed.append((t, t._data))
                t._data = rec.input(t._data, source)
                g = t._grad
                if g is not None:
                    installed.append((g, g._data))
                    g._data = rec.input(g._data, _program.Source("arggrad", arg_index[id(t)]) if id(t) in arg_index
                                        else _program.Source("grad", tensor=t))
            result = self.fn(*args, **kwargs)
            backward = self._capture_backward(rec, result, watched, arg_index) if rec.poisoned is None else None
        finally:
            rec.end()
            bindings = self._bindings(rec, watched, start, installed, arg_index)
        out_template = _program.output_template(result, rec, arg_index) if rec.poisoned is None else None
        for t in tensors_in(result):
            t._data = plain(t._data)
        if rec.poisoned is not None:
            reason, line = rec.poisoned
            self._give_up(f"{line}: {reason}")
            return result
        if backward is None:
            prog = _program.build(rec, out_template, bindings, len(flat))
            self.cache[key] = _Entry(prog, None, None, list(rec.generators.values()))
        else:
            self.cache[key] = self._build_pair(rec, backward, out_template, bindings, len(flat), arg_index)
        return result

    def _refuse(self, args, kwargs, reason):
        """Run eagerly from now on, before capturing (``reason`` says why)."""
        self._give_up(reason)
        return self.fn(*args, **kwargs)

    def _give_up(self, reason):
        self.eager_reason = reason
        warnings.warn(f"minigrad.compile: {reason}; the compiled region "
                      f"'{getattr(self.fn, '__qualname__', self.fn)}' runs eagerly from now on", stacklevel=4)

    def _bindings(self, rec, watched, start, installed, arg_index):
        """Put plain arrays back; list what the region left in each watched tensor's ``_data`` and
        ``.grad`` (replay re-establishes it)."""
        watched_ids = {id(t) for t in watched}
        if any(key not in watched_ids for key in rec.leaves):
            rec.poison("backward accumulates into the .grad of a tensor the region does not name (pass it as "
                       "an argument, or reach it through a module or optimizer the region names)")
        if rec.poisoned is not None:
            _untrace(watched, installed)
            return []
        originals = {id(t): a for t, a in installed}
        bindings = []
        for t in watched:
            target = arg_index.get(id(t), t)
            data0, grad0, requires_grad0, grad_fn0 = start[id(t)]
            if t._requires_grad != requires_grad0 or t._grad_fn is not grad_fn0:
                rec.poison("the region changes a tensor's requires_grad or history (an in-place op on a tensor "
                           "that requires grad, requires_grad_()): replay repeats array calls, not graphs")
            cur = t._data
            if isinstance(cur, TracedArray) and cur._slot is not None and cur._slot == _slot_of(rec, data0):
                t._data = originals[id(t)]
            elif isinstance(cur, TracedArray) and cur._slot is not None:
                bindings.append((target, "_data", cur._slot, t.dtype))
                t._data = plain(cur)
            elif cur is not data0:
                rec.poison("the region rebinds a tensor's .data to an array it did not compute")
            g = t._grad
            if g is grad0:
                if g is not None and id(g) in originals:
                    g._data = originals[id(g)]
                continue
            if g is None:
                bindings.append((target, "_grad", None, None))
            elif isinstance(g._data, TracedArray) and g._data._slot is not None:
                bindings.append((target, "_grad", g._data._slot, g.dtype))
                g._data = plain(g._data)
            else:
                rec.poison("a gradient the recorder did not see being computed")
        return bindings

    # --- a region whose output keeps its graph: its backward, recorded too -----------------------------
    def _capture_backward(self, rec, result, watched, arg_index):
        """When the result holds one tensor with a live graph, record ``autograd.grad`` of it with
        respect to the region's inputs that require grad (returns (split, out, leaves, grad slots))."""
        live = [t for t in tensors_in(result) if t._grad_fn is not None and not t._grad_fn._released]
        if not live:
            return None
        if len(live) > 1:
            rec.poison("several outputs that keep a graph (one is supported)")
            return None
        out = live[0]
        rec.guards = False  # (a read in the backward program could not stop it: refused)
        leaves = [t for t in watched if t._requires_grad]
        split = len(rec.steps)
        rec.recording = False  # (the seed is an input of the backward program, not a recorded call)
        ones = np.ones_like(plain(out._data))
        rec.recording = True
        seed = _wrap(rec.input(ones, _program.Source("seed")), out.dtype)
        grads = engine.grad([out], leaves, [seed], retain_graph=True, allow_unused=True)
        slots = []
        for g in grads:
            if g is None:
                slots.append(None)
            elif isinstance(g._data, TracedArray) and g._data._slot is not None:
                slots.append(g._data._slot)
            else:
                rec.poison("a gradient the recorder did not see being computed")
        return split, out, leaves, slots, seed._data._slot

    def _build_pair(self, rec, backward, out_template, bindings, n_args, arg_index):
        split, out, leaves, grad_slots, seed_slot = backward
        steps = rec.steps
        forward_steps, backward_steps = steps[:split], steps[split:]
        rec.steps = backward_steps
        needed_bw = set(s for s in grad_slots if s is not None)
        bw_steps, needed = _program._needed(backward_steps, needed_bw)
        defined_bw = set()
        for st in bw_steps:
            outs = getattr(st, "outs", None)
            defined_bw.update(outs if isinstance(outs, tuple) else (outs,))
        saved = sorted(s for s in needed if s not in defined_bw and s != seed_slot)
        rec.steps = forward_steps
        fwd = _program.build(rec, out_template, bindings, n_args, saved=saved)
        bw = _backward_program(bw_steps, saved, seed_slot, grad_slots)
        rec.steps = steps
        return _Entry(fwd, bw, [arg_index.get(id(t), t) for t in leaves], list(rec.generators.values()))

    # --- check and replay -------------------------------------------------------------------------------
    def _replay(self, entry, flat):
        if entry.backward is None:
            return entry.program.run(*flat)
        return self._replay_with_graph(entry, flat)

    def _replay_with_graph(self, entry, flat):
        values = entry.program.run(*flat)
        result = values[-1]
        out = next(t for t in tensors_in(result) if t._requires_grad)
        node = _program.CompiledFunctionBackward()
        _connect(node, [flat[leaf] if isinstance(leaf, int) else leaf for leaf in entry.leaves])
        node.program, node.env = entry.backward.run, values[:-1]
        out._grad_fn = node
        return result

    def _missed(self, entry, miss, args, kwargs):
        """A guard failed before the replay changed anything: run this call eagerly; a guard that
        keeps failing makes the signature eager."""
        entry.misses += 1
        if entry.misses == GUARD_MISSES:
            entry.state = "eager"
            warnings.warn(f"minigrad.compile: {miss.args[0]}: the value read there changed in {GUARD_MISSES} calls; "
                          f"this signature of '{getattr(self.fn, '__qualname__', self.fn)}' runs eagerly from now on",
                          stacklevel=3)
        return self.fn(*args, **kwargs)

    def _check(self, entry, args, kwargs, flat):
        touched = list({id(t): t for t in list(flat) + self.guard.persistent}.values())
        state = (touched, self.guard.optimizers, entry.generators)
        snapshot = Snapshot(*state)
        try:
            replayed = self._replay(entry, flat)
            replay_state = Snapshot(*state)
            ok = True
        except GuardMiss:  # other values than at capture: check again at the next call
            snapshot.restore()
            return self.fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any failure of replay means: run eagerly
            ok, why = False, f"{type(exc).__name__}: {exc}"
        snapshot.restore()
        result = self.fn(*args, **kwargs)
        if ok:
            ok = same(replayed, result) and replay_state.same(Snapshot(*state))
            why = "its results differ from eager"
        if entry.backward is not None and ok:
            ok = same_backward(replayed, result)
            why = "its backward differs from eager"
        entry.state = "replay" if ok else "eager"
        if not ok:
            warnings.warn(f"minigrad.compile: the program recorded for '{getattr(self.fn, '__qualname__', '')}' "
                          f"did not reproduce eager ({why}); this signature runs eagerly from now on", stacklevel=3)
        return result

    def _warn_limit(self):
        if not self._limit_warned:
            self._limit_warned = True
            code = getattr(self.fn, "__code__", None)
            where = f"{code.co_filename}:{code.co_firstlineno}" if code else "?"
            warnings.warn(f"torch._dynamo hit config.recompile_limit ({self.recompile_limit})\n"
                          f"   function: '{getattr(self.fn, '__name__', self.fn)}' ({where})\n"
                          "   last reason: a new input signature (shapes, dtypes, requires_grad, grad mode, "
                          "training flags)\nTo log all recompilation reasons, use TORCH_LOGS=\"recompiles\".",
                          stacklevel=3)


def _untrace(watched, installed):
    """Put plain arrays back in every watched tensor and gradient (a poisoned region goes on eagerly,
    and code such as the optimizers' checks compares array types)."""
    for t, original in installed:
        if isinstance(t._data, TracedArray):
            t._data = original if np.ndarray.base.__get__(t._data) is original else plain(t._data)
    for t in watched:
        g = t._grad
        if g is not None and isinstance(g._data, TracedArray):
            g._data = plain(g._data)


def _slot_of(rec, array):
    """The input slot recorded for ``array`` (None if it is not an input)."""
    return next((slot for slot, _ in rec.inputs if rec.values[slot] is array), None)


def _connect(node, leaves):
    edges, meta = [], []
    for t in leaves:
        edges.append(t._grad_fn if t._grad_fn is not None else t)
        meta.append((t._data.shape, t.dtype))
    node._edges, node._meta, node.needs_input_grad = edges, meta, (True,) * len(leaves)


def _backward_program(steps, saved, seed_slot, grad_slots):
    w = _program._Writer()
    body = [_program._step_line(w, st) for st in steps]
    ret = "return (" + "".join(("None" if s is None else f"v{s}") + ", " for s in grad_slots) + ")"
    head = "def replay(" + "".join(f"v{s}, " for s in saved) + f"v{seed_slot}):"
    source = head + "\n" + "\n".join("    " + line for line in body + [ret]) + "\n"
    return _program.Program(source, w.namespace, len(steps), len(steps))

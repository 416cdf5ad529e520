"""``Program``: a recording turned into one straight-line Python function of NumPy calls.

``build(recorder, result, bindings, args)`` drops the calls nothing needs (dead-code elimination:
a *pure* call -- no ``out=``, no write, no random draw -- whose results no later call, binding
or output uses) and writes the rest as Python source, one line per call::

    def replay(a0, a1):
        v0 = a0._data                 # inputs: read afresh from the arguments ...
        v1 = t1._data                 # ... and from the parameters, buffers, gradients
        v2 = f2(v0, v1)               # one line per recorded NumPy call (f2 is np.matmul, ...)
        guard(g3, v2)                 # a value the region read into Python must be the same
        o5(v7, v8)                    # an optimizer step (its Python runs: step counts, lr)
        t1._grad = W(v9, d1)          # bindings: what the region left in user-visible tensors
        return T(v3, d3, False)       # the outputs, as new Tensors

``Program.source`` keeps that text (``CompiledFunction.explain()`` prints it). Replay calls the
same NumPy functions with the same arguments in the same order as the eager run did, so its
results are the same bits.
"""
import numpy as np

from ..autograd.function import Function, _FREED
from ..tensor import Tensor, _wrap
from .steps import GuardStep, OptimizerStep, Ref, check_guard, refs
from .traced import TracedArray


class Source:
    """Where replay reads an input: ``kind`` "arg" (the i-th Tensor argument), "data" (a Tensor's
    array), "grad" (a Tensor's ``.grad`` array), "arggrad" (the i-th argument's ``.grad`` array) or
    "seed" (the gradient a backward program is called with)."""

    __slots__ = ("kind", "index", "tensor")

    def __init__(self, kind, index=None, tensor=None):
        self.kind, self.index, self.tensor = kind, index, tensor


class CompiledFunctionBackward(Function):
    """The ``grad_fn`` of a replayed output that requires grad. With a ``program`` (a region whose
    output kept its graph: ``compile(module)``), backward runs the recorded backward program on
    ``env`` (the forward values it needs) and the incoming gradient, giving one gradient per edge.
    Without one (the region already ran ``backward()`` itself, as a training step does), backward
    through it is torch's freed-graph error, as it would be eagerly."""

    _name = "CompiledFunctionBackward"  # torch's name (AOTAutograd's CompiledFunction node)
    program, env = None, ()

    @staticmethod
    def backward(ctx, grad):
        if ctx.program is None:
            raise RuntimeError(_FREED)
        grads = ctx.program(*ctx.env, grad._data)
        return tuple(None if g is None else _wrap(g, meta[1]) for g, meta in zip(grads, ctx._meta))


def _output_tensor(array, dtype, requires_grad):
    t = _wrap(array if array.__class__ is np.ndarray else np.asarray(array), dtype)
    if requires_grad:
        t._requires_grad = True
        t._grad_fn = node = CompiledFunctionBackward()
        node._released = True
    return t


class Program:
    """A compiled recording: ``run(flat_args)`` replays it and returns the region's result."""

    def __init__(self, source, namespace, n_steps, n_recorded):
        self.source = source
        self.n_steps, self.n_recorded = n_steps, n_recorded
        exec(compile(source, "<minigrad.compile program>", "exec"), namespace)  # noqa: S102 - our own code
        self.run = namespace["replay"]


class _Writer:
    """Builds the source text and the namespace it runs in."""

    def __init__(self):
        self.lines, self.namespace = [], {"W": _wrap, "T": _output_tensor, "asarray": np.asarray,
                                          "guard": check_guard}
        self._names = {}

    def name(self, obj, prefix):
        """A namespace name bound to ``obj`` (one per object)."""
        key = id(obj)
        if key not in self._names:
            self._names[key] = f"{prefix}{len(self._names)}"
            self.namespace[self._names[key]] = obj
        return self._names[key]

    def expr(self, template):
        """Python source for an argument template."""
        if isinstance(template, Ref):
            return f"v{template.slot}"
        if type(template) is tuple:
            return "(" + "".join(self.expr(t) + ", " for t in template) + ")"
        if type(template) is list:
            return "[" + ", ".join(self.expr(t) for t in template) + "]"
        if template is None or type(template) in (bool, int, str) or (
                type(template) is float and np.isfinite(template)):
            return repr(template)
        return self.name(template, "c")


def _hoist_guards(steps):
    """Guards read after the region changed something move to the front, with the pure steps that
    compute their values (they depend only on inputs unchanged until then, so the values are the
    same there), so that a miss stops the replay before any change."""
    hoisted = [g for g in steps if isinstance(g, GuardStep) and g.cone]
    if not hoisted:
        return steps
    front, moved = [], set()
    for guard in hoisted:
        for step in guard.cone:
            if id(step) not in moved:
                moved.add(id(step))
                front.append(step)
        front.append(guard)
        moved.add(id(guard))
    return front + [step for step in steps if id(step) not in moved]


def _needed(steps, roots):
    """Dead-code elimination: the steps to keep (impure ones, and pure ones whose results are used)."""
    needed, keep = set(roots), []
    for step in reversed(steps):
        if isinstance(step, OptimizerStep):
            keep.append(step)
            needed.update(slot for _, _, slot in step.entries)
            continue
        if isinstance(step, GuardStep):
            keep.append(step)
            needed.add(step.slot)
            continue
        outs = step.outs if isinstance(step.outs, tuple) else (step.outs,)
        if step.pure and not any(o in needed for o in outs if o is not None):
            continue
        keep.append(step)
        needed.update(refs(step.args))
        needed.update(refs(step.kwargs))
    keep.reverse()
    return keep, needed


def output_template(result, recorder, arg_index):
    """How replay rebuilds the region's result: arrays become new Tensors; an argument comes back
    as the new call's argument; anything else (a persistent Tensor, a number) as it is."""
    if isinstance(result, Tensor):
        if id(result) in arg_index:
            return ("arg", arg_index[id(result)])
        data = result._data
        if isinstance(data, TracedArray):
            if data._slot is None:
                recorder.poison("a returned tensor holds an array the recorder did not see being made")
                return ("const", result)
            return ("tensor", data._slot, result.dtype, result._requires_grad)
        return ("const", result)
    if type(result) in (tuple, list):
        return (type(result).__name__, [output_template(r, recorder, arg_index) for r in result])
    if type(result) is dict:
        return ("dict", {k: output_template(v, recorder, arg_index) for k, v in result.items()})
    if isinstance(result, (np.ndarray, TracedArray)):
        recorder.poison("the region returns a NumPy array")
    return ("const", result)


def _output_expr(w, template, roots):
    kind = template[0]
    if kind == "arg":
        return f"a{template[1]}"
    if kind == "tensor":
        roots.add(template[1])
        return f"T(v{template[1]}, {w.name(template[2], 'd')}, {template[3]})"
    if kind in ("tuple", "list"):
        items = "".join(_output_expr(w, t, roots) + ", " for t in template[1])
        return f"({items})" if kind == "tuple" else f"[{items}]"
    if kind == "dict":
        return "{" + ", ".join(f"{w.name(k, 'c')}: {_output_expr(w, t, roots)}" for k, t in template[1].items()) + "}"
    return w.expr(template[1]) if template[1] is None or type(template[1]) in (bool, int, str) else w.name(
        template[1], "c")


def build(recorder, out_template, bindings, n_args, saved=()):
    """The ``Program`` of a finished recording. ``bindings``: (target, attribute, slot or None,
    dtype) the region leaves behind (target: a Tensor, or the index of a Tensor argument);
    ``saved``: slots returned before the result, as ``(*saved, result)`` (the forward half of a
    region whose backward program needs them)."""
    w = _Writer()
    roots = set(saved)
    ret = _output_expr(w, out_template, roots)
    for _, attr, slot, _ in bindings:
        if slot is not None:
            roots.add(slot)
    steps, needed = _needed(_hoist_guards(recorder.steps), roots)
    body = []
    args = ", ".join(f"a{i}" for i in range(n_args))
    for slot, source in recorder.inputs:
        if slot not in needed:
            continue
        if source.kind == "arg":
            body.append(f"v{slot} = a{source.index}._data")
        elif source.kind == "data":
            body.append(f"v{slot} = {w.name(source.tensor, 't')}._data")
        elif source.kind == "grad":
            body.append(f"v{slot} = {w.name(source.tensor, 't')}._grad._data")
        elif source.kind == "arggrad":
            body.append(f"v{slot} = a{source.index}._grad._data")
    for slot, array, first in recorder.const_arrays:
        if slot not in needed:
            continue
        if slot in recorder.written:
            body.append(f"v{slot} = {w.name(first, 'k')}.copy()")
        else:
            body.append(f"v{slot} = {w.name(array, 'k')}")
    for step in steps:
        body.append(_step_line(w, step))
    for target, attr, slot, dtype in bindings:
        t = f"a{target}" if isinstance(target, int) else w.name(target, "t")
        if attr == "_grad":
            body.append(f"{t}._grad = None" if slot is None else f"{t}._grad = W(v{slot}, {w.name(dtype, 'd')})")
        else:
            body.append(f"{t}._data = v{slot}")
    if saved:
        body.append("return (" + "".join(f"v{s}, " for s in saved) + f"{ret})")
    else:
        body.append(f"return {ret}")
    head = f"def replay({args}):"
    source = head + "\n" + "\n".join("    " + line for line in body) + "\n"
    return Program(source, w.namespace, len(steps), len(recorder.steps))


def _step_line(w, step):
    if isinstance(step, GuardStep):
        return f"guard({w.name(step, 'g')}, v{step.slot})"
    if isinstance(step, OptimizerStep):
        fn = w.name(_replay_step(step), "o")
        return f"{fn}(" + "".join(f"v{slot}, " for _, _, slot in step.entries) + ")"
    fn = w.name(step.fn, "f")
    args = ", ".join(w.expr(a) for a in step.args)
    kwargs = ", ".join(f"{k}={w.expr(v)}" for k, v in step.kwargs.items())
    call = f"{fn}({args}{', ' if args and kwargs else ''}{kwargs})"
    if step.outs is None or (not isinstance(step.outs, tuple) and step.outs in _outrefs(step)):
        return call
    if isinstance(step.outs, tuple):
        return "".join(f"v{o}, " for o in step.outs) + f"= {call}"
    return f"v{step.outs} = asarray({call})" if step.scalar else f"v{step.outs} = {call}"


def _outrefs(step):
    """Slots the call returns as one of its own inputs (``out=``: no new value)."""
    return set(refs(step.kwargs.get("out", ()))) | step.writes


def _replay_step(step):
    """The replay of an ``OptimizerStep``: ``_update`` of each parameter, then its version bump."""
    update, entries = step.optimizer._update, [(p, group) for p, group, _ in step.entries]

    def optimizer_step(*grads):
        for (p, group), grad in zip(entries, grads):
            update(p, grad, group)
            p._bump_version()
    return optimizer_step


"""Guards: what a compiled program assumes, checked before every replay.

A program is valid for one *signature* (``Guard.key``): per Tensor argument its shape, strides,
dtype, device, ``requires_grad`` and whether it has a ``.grad``; the non-Tensor arguments'
values; grad mode; the ``training`` flag of every module the region names; each named
parameter's and buffer's shape, dtype, ``requires_grad`` and whether it has a ``.grad``; and the
values of the numbers and strings the region names (a global learning rate, a closure's flag). A
different signature records a new program.

What the region *names* (``discover``): its arguments (and the modules and optimizers among
them), the objects in its closure cells and the globals its code mentions, and ``self`` of a bound
method (with ``self``'s attributes): the ``Module``s, ``Optimizer``s and ``Tensor``s among them.
Replay reads the parameters, buffers and gradients of those afresh at every call.
``Guard.same_objects`` checks that the names still refer to the same objects, the modules still
hold the same parameters and the optimizers the same parameter groups (torch's Dynamo guards on
the same things: ID_MATCH on modules, TENSOR_MATCH on inputs, GRAD_MODE).
"""
from .._modes import grad_state
from ..nn.modules.module import Module
from ..optim.optimizer import Optimizer
from ..tensor import Tensor


def flatten_args(args, kwargs):
    """(the Tensors among the arguments, in order; the hashable key of everything else; the Modules
    and Optimizers among the arguments)."""
    tensors, key, objects = [], [], []

    def walk(obj):
        if isinstance(obj, Tensor):
            tensors.append(obj)
            key.append(("T",))
        elif isinstance(obj, (Module, Optimizer)):
            objects.append(obj)
            key.append(("id", id(obj)))
        elif type(obj) in (tuple, list):
            key.append((type(obj), len(obj)))
            for o in obj:
                walk(o)
        elif type(obj) is dict:
            key.append((dict, tuple(obj)))
            for o in obj.values():
                walk(o)
        else:
            try:
                hash(obj)
                key.append(("v", type(obj), obj))
            except TypeError:
                key.append(("id", id(obj)))
    walk(args)
    walk(kwargs)
    return tensors, tuple(key), objects


def tensor_key(t):
    """An argument's part of the signature."""
    data = t._data
    return (data.shape, data.strides, t.dtype, data.__class__, t._requires_grad, t._grad is None)


class Guard:
    """The objects a region names, and the signature of one call."""

    def __init__(self, fn, objects=()):
        self.fn = fn
        self.objects = list(objects)
        self.names, self.values, self.modules, self.optimizers, self.tensors = discover(fn, objects)
        self.all_modules = []
        seen = set()
        for m in self.modules:
            for sub in m.modules():
                if id(sub) not in seen:
                    seen.add(id(sub))
                    self.all_modules.append(sub)
        persistent = {}
        for m in self.all_modules:
            for t in list(m._parameters.values()) + list(m._buffers.values()):
                if t is not None:
                    persistent[id(t)] = t
        for opt in self.optimizers:
            for group in opt.param_groups:
                for p in group["params"]:
                    persistent[id(p)] = p
        for t in self.tensors:
            persistent[id(t)] = t
        self.persistent = list(persistent.values())
        self.slots = [(m._parameters, name, t) for m in self.all_modules for name, t in m._parameters.items()]
        self.slots += [(m._buffers, name, t) for m in self.all_modules for name, t in m._buffers.items()]
        self.groups = [(opt, _param_ids(opt)) for opt in self.optimizers]
        self.key = self._key_function()

    def same_objects(self, objects):
        """Whether the names still refer to what they did at discovery, and the arguments hold the
        same modules and optimizers (else: discover again)."""
        if len(objects) != len(self.objects) or any(a is not b for a, b in zip(objects, self.objects)):
            return False
        for holder, name, obj in self.names:
            if _read_name(holder, name) is not obj:
                return False
        for registry, name, t in self.slots:
            if registry.get(name) is not t:
                return False
        return all(_param_ids(opt) == ids for opt, ids in self.groups)

    def _key_function(self):
        """``key(arg_key, flat)``: the signature of a call with these arguments, in this state --
        written out as one expression over this region's modules and tensors (it runs every call)."""
        namespace = {"tensor_key": tensor_key, "grad_state": grad_state}
        parts = []
        for i, m in enumerate(self.all_modules):
            namespace[f"m{i}"] = m
            parts.append(f"m{i}.training")
        for i, t in enumerate(self.persistent):
            namespace[f"t{i}"] = t
            parts.append(f"t{i}._data.shape, t{i}.dtype, t{i}._requires_grad, t{i}._grad is None")
        namespace["read"] = _read_name
        for i, (holder, name) in enumerate(self.values):
            namespace[f"h{i}"], namespace[f"n{i}"] = holder, name
            parts.append(f"read(h{i}, n{i})")
        source = ("def key(arg_key, flat):\n    return (arg_key, tuple(map(tensor_key, flat)), grad_state.enabled, "
                  + "".join(p + ", " for p in parts) + ")\n")
        exec(compile(source, "<minigrad.compile guard>", "exec"), namespace)  # noqa: S102 - our own code
        return namespace["key"]


def _param_ids(optimizer):
    """The identities of an optimizer's parameters, group by group (a new group changes them)."""
    return tuple(id(p) for group in optimizer.param_groups for p in group["params"])


_VALUES = (int, float, complex, bool, str, bytes, type(None))


def _read_name(holder, name):
    """What a name refers to now: a closure cell's content (``name`` None) or a global."""
    if name is None:
        try:
            return holder.cell_contents
        except ValueError:
            return None
    return holder.get(name)


def discover(fn, objects=()):
    """What ``fn`` names, with ``objects`` (the modules and optimizers among its arguments):
    (names guarded by identity: modules, optimizers, tensors, functions and everything else that is
    not a plain value; names guarded by value: numbers, strings, None -- a region computing with a
    global number gets a new signature when it changes; modules; optimizers; tensors). Mutable
    containers other than lists and tuples of those are not looked into."""
    names, values, found = [], [], list(objects)
    self_obj = getattr(fn, "__self__", None)
    func = getattr(fn, "__func__", fn)
    code = getattr(func, "__code__", None)
    if self_obj is not None:
        found.append(self_obj)
        found.extend(getattr(self_obj, "__dict__", {}).values())
    if code is not None:
        glob = func.__globals__
        holders = [(cell, None) for cell in func.__closure__ or ()]
        holders += [(glob, name) for name in dict.fromkeys(_global_names(code)) if name in glob]
        for holder, name in holders:
            obj = _read_name(holder, name)
            if isinstance(obj, _VALUES):
                values.append((holder, name))
            else:
                names.append((holder, name, obj))
                found.append(obj)
    modules, optimizers, tensors = [], [], []
    for obj in found:
        for o in (obj if type(obj) in (list, tuple) else (obj,)):
            if isinstance(o, Module):
                modules.append(o)
            elif isinstance(o, Optimizer):
                optimizers.append(o)
            elif isinstance(o, Tensor):
                tensors.append(o)
    return names, values, modules, optimizers, tensors


def _global_names(code):
    """The global names ``code`` and the functions nested in it mention."""
    names = list(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names.extend(_global_names(const))
    return names

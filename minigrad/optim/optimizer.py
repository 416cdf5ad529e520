"""``Optimizer``: the base class of SGD, Adam, ... .

An optimizer holds ``param_groups`` (a list of dicts: ``{"params": [...], "lr": ..., ...}``, each
option defaulting to the constructor's value) and ``state`` (a dict keyed by parameter holding
momentum buffers, running averages, step counts, ...).

``step()`` walks every parameter that has a ``.grad`` and calls the subclass's ``_update(p, grad,
group)``, which changes ``p``'s array in place with whole-array NumPy operations in the same order
as torch's single-tensor (``foreach=False``, its CPU default) implementation, rounding each fused
``add(alpha=)``/``addcmul``/``lerp`` once as torch's vectorised kernels do (``_fused.py``), so float32
trajectories equal torch's bit for bit. No graph is recorded: updates write arrays directly.

A failed ``step()`` or ``load_state_dict()`` changes nothing: both check everything first (each
gradient against its parameter; each parameter's state has the keys its group's options need, with
the parameter's shape and dtype; each group has every option), then change. torch checks less: it
loads an Adam state with a wrong-shape ``exp_avg`` and fails in the middle of the next step, after
updating the parameters before it and advancing their step counters; and it replaces an Adam's
groups with an SGD's before failing on the missing ``"step"``.

``state_dict()`` has torch's layout: ``{"state": {index: {...}}, "param_groups": [{..., "params":
[index, ...]}]}``, parameters replaced by their position across all groups.
"""
import warnings
from collections import defaultdict
from copy import deepcopy
from itertools import chain

from .._modes import capture as _capture
from ..autograd.grad_mode import enable_grad
from ..dtypes import float32, float64, get_default_dtype
from ..factories import tensor
from ..tensor import Tensor
from ..factories import typename as _typename


PARAM, SCALAR = "param", "scalar"  # the kinds of per-parameter state: like the parameter, or 0-dim


class Optimizer:
    """Base class for all optimizers: ``params`` is an iterable of tensors or of dicts (param groups).

    A subclass declares its per-parameter state for the checks of ``step()`` and ``load_state_dict()``:
    ``_state_kinds`` maps each state key to ``PARAM`` (a tensor of the parameter's shape and dtype),
    ``SCALAR`` (a 0-dim tensor) or a function of the parameter's shape giving the state's (a tensor
    of the parameter's dtype, e.g. Adafactor's row variances), ``_required_state(p, group)`` names
    the keys a started state must hold under the group's options, and ``_compat_options`` gives the options that torch's
    ``__setstate__`` fills in when a loaded group lacks them (flags added in later torch versions)."""

    _state_kinds = {}
    _compat_options = {}

    def _required_state(self, p, group):
        """The keys a parameter's state must hold once its first step has made it."""
        return tuple(self._state_kinds)

    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    def add_param_group(self, param_group):
        """Add a group (a dict with ``"params"`` and optional per-group options) to ``param_groups``."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]  # from named_parameters()
        param_group["params"] = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names

        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)

        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        param_set = set()
        for group in self.param_groups:
            param_set.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                current = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {current} to the optimizer")
        if not param_set.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Reset the gradients: to None (default), or to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                p._reset_grad(set_to_none)

    # --- stepping --------------------------------------------------------------------------------
    def step(self, closure=None):
        """One update of every parameter that has a gradient. ``closure`` (optional) re-evaluates
        the model and returns the loss, which ``step`` returns.

        All or nothing: every gradient and every parameter's state is checked before anything changes
        (RuntimeError for a gradient or state tensor of the wrong shape/dtype/device, KeyError for a
        state missing a key the group's options need)."""
        if _capture.recorder is not None:  # inside minigrad.compile's capture: record the step as one node
            return _capture.recorder.optimizer_step(self, closure)
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        todo = self._params_with_grad()
        for p, group, index in todo:
            _check_grad(p)
            self._check_state(p, group, self.state.get(p), index)
        for p, group, _ in todo:
            self._update(p, p.grad._data, group)
            p._bump_version()
        return loss

    def _params_with_grad(self):
        """``(parameter, its group, its index in state_dict())`` for every parameter with a ``.grad``."""
        return [(p, group, index) for index, (p, group) in enumerate(_flat_params(self.param_groups))
                if p.grad is not None]

    def _check_state(self, p, group, state, index):
        """Raise unless ``state`` (a parameter's, ``index`` as in ``state_dict()``) is empty or holds
        every key ``group`` needs, each a tensor of the declared shape with the parameter's dtype and
        device (a 0-dim state may have any float dtype: torch keeps them in float32)."""
        if not state:
            return
        for key in self._required_state(p, group):
            if state.get(key) is None:
                raise KeyError(f"the state of parameter {index} has no {key!r} (it has {sorted(state)}); "
                               f"{type(self).__name__} needs {list(self._required_state(p, group))}: is it the "
                               "state of another optimizer class?")
        for key, kind in self._state_kinds.items():
            value = state.get(key)
            if value is None:
                continue
            if not isinstance(value, Tensor):
                raise TypeError(f"the state {key!r} of parameter {index} must be a Tensor, but got "
                                f"{type(value).__name__}")
            shape = [] if kind == SCALAR else list(p.shape) if kind == PARAM else kind(list(p.shape))
            if list(value.shape) != shape:
                raise RuntimeError(f"the state {key!r} of parameter {index} has shape {list(value.shape)}, but "
                                   f"{type(self).__name__} needs {shape} (the parameter's shape is {list(p.shape)})")
            same_dtype = value.is_floating_point() if kind == SCALAR else value.dtype is p.dtype
            if not same_dtype or (kind != SCALAR and value.device != p.device):
                raise RuntimeError(f"the state {key!r} of parameter {index} is {value.dtype} on {value.device}, but "
                                   f"the parameter is {p.dtype} on {p.device}")

    def _update(self, p, grad, group):
        """Change ``p._data`` in place from the gradient array ``grad`` and the group's options."""
        raise NotImplementedError

    @staticmethod
    def _advance_step(state):
        """Add one to ``state["step"]`` (a 0-dim tensor, as torch keeps it) and return the new count."""
        step = state["step"]
        step._data += 1
        return step.item()

    @staticmethod
    def _new_step():
        """A fresh step counter: torch keeps it as a 0-dim float32 tensor (float64 when that is the
        default dtype) on the CPU."""
        return Optimizer._new_scalar(0.0)

    @staticmethod
    def _new_scalar(value):
        """A 0-dim state tensor of torch's "scalar dtype" (float32, or float64 when that is the default
        dtype), e.g. a step count, NAdam's ``mu_product``, ASGD's ``eta``."""
        return tensor(value, dtype=float64 if get_default_dtype() is float64 else float32)

    # --- saving and loading --------------------------------------------------------------------------
    def state_dict(self):
        """``{"state": {index: per-parameter state}, "param_groups": [group options + "params": [index]]}``."""
        index_of = {}
        start = 0

        def pack(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            index_of.update({id(p): i for i, p in enumerate(group["params"], start) if id(p) not in index_of})
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack(g) for g in self.param_groups]
        state = {(index_of[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": param_groups}

    def load_state_dict(self, state_dict):
        """Load a ``state_dict()`` of this optimizer class, with groups of the same sizes.

        Floating state tensors take their parameter's dtype and device ("step" stays as it is; a
        number is made a tensor, as torch does for old checkpoints); groups lacking an option torch
        added later get its default (``_compat_options``). Then, before anything changes, it checks
        what ``step()`` will need -- ValueError: another number of groups or group sizes (torch's
        messages); KeyError: a group without one of this class's options, or a parameter's state
        without a key (e.g. an SGD state loaded into Adam; torch raises KeyError 'step' too, but
        only after replacing the groups); RuntimeError: a state tensor of another shape than its
        parameter (torch loads it and fails in the middle of the next step); TypeError: a state
        value that is not a tensor."""
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def cast(param, value, key=None):
            """Float state takes the parameter's dtype and device ("step" stays as is). Like torch, a
            tensor that already matches is taken as is, not copied."""
            if isinstance(value, Tensor):
                if key == "step":
                    return value
                if param.is_floating_point():
                    return value.to(dtype=param.dtype, device=param.device)
                return value.to(device=param.device)
            if isinstance(value, dict):
                return {k: cast(param, v, key=k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param_state = cast(id_map[k], v)
                if "step" in self._state_kinds and isinstance(param_state.get("step"), (int, float)):
                    param_state["step"] = tensor(float(param_state["step"]), dtype=self._new_step().dtype)
                state[id_map[k]] = param_state
            else:
                state[k] = v
        for group, new_group in zip(groups, saved_groups):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            for name, default in self._compat_options.items():
                new_group.setdefault(name, default)
            missing = [name for name in self.defaults if name not in new_group]
            if missing:
                raise KeyError(f"loaded state dict has a parameter group without the option(s) {missing} of "
                               f"{type(self).__name__}: is it the state of another optimizer class?")
        for index, (p, group) in enumerate(_flat_params(saved_groups)):
            self._check_state(p, group, state.get(p), index)
        self.__setstate__({"state": state, "param_groups": saved_groups})


def _flat_params(groups):
    """``(parameter, its group)`` in ``state_dict()``'s index order."""
    return [(p, group) for group in groups for p in group["params"]]


def _check_grad(p):
    g = p._grad
    x, y = g._data, p._data
    if x.shape != y.shape or g.dtype is not p.dtype or type(x) is not type(y):  # (type: same device)
        raise RuntimeError(f"the gradient of a parameter must match it: parameter {p.dtype} {list(p.shape)} on "
                           f"{p.device}, gradient {g.dtype} {list(g.shape)} on {g.device}")


def chunks(*arrays, size=1 << 16):
    """Aligned flat pieces of same-shape arrays, so that an in-place update runs piece by piece and
    its temporaries stay small (torch's fused kernels have none). Arrays that are not contiguous
    come back whole, since their flat view would be a copy."""
    if not all(a.flags.c_contiguous for a in arrays) or arrays[0].size <= size:
        yield arrays
        return
    flats = [a.reshape(-1) for a in arrays]
    for start in range(0, flats[0].size, size):
        yield tuple(f[start:start + size] for f in flats)

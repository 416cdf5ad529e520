"""The vocabulary of a recording: what ``capture.Recorder`` writes and ``program.build`` reads.

* ``Step``: one NumPy call, ``outs = fn(*args, **kwargs)``, its arguments a template in which
  ``Ref(slot)`` stands for a recorded value;
* ``OptimizerStep``: ``optimizer.step()`` as one opaque step (its Python runs again at replay);
* ``GuardStep``: a value the region read into Python, checked again at replay (``check_guard``
  raises ``GuardMiss`` when it differs).
"""


class Ref:
    """A recorded value in a step's argument template."""

    __slots__ = ("slot",)

    def __init__(self, slot):
        self.slot = slot


class Step:
    """One recorded call: ``outs = fn(*args, **kwargs)``. ``outs``: a slot, a tuple of slots (several
    results), or None (no array result). ``pure``: no writes and no random draw (dead-code
    elimination may drop it). ``scalar``: NumPy returned a scalar (replay makes it a 0-d array, as
    the recorder handed the region a 0-d array)."""

    __slots__ = ("fn", "args", "kwargs", "outs", "pure", "scalar", "writes")

    def __init__(self, fn, args, kwargs, outs, pure, scalar, writes):
        self.fn, self.args, self.kwargs, self.outs = fn, args, kwargs, outs
        self.pure, self.scalar, self.writes = pure, scalar, writes


class GuardStep:
    """A value the region read into Python at capture: replay computes ``convert(value of slot,
    *args)`` again and raises ``GuardMiss`` unless it equals ``expected`` (the same Python decisions
    would not follow). ``line``: the user's line, for the warning when a guard keeps missing.
    ``cone``: when the region had already changed something at the read, the pure steps computing
    the value, which replay runs (with the guard) before anything else."""

    __slots__ = ("slot", "convert", "args", "expected", "line", "cone")

    def __init__(self, slot, convert, args, expected, line, cone):
        self.slot, self.convert, self.args, self.expected, self.line = slot, convert, args, expected, line
        self.cone = cone


class GuardMiss(Exception):
    """A guard's value differs at replay: this call runs eagerly (nothing was changed yet)."""


def check_guard(guard, array):
    """Replay of a ``GuardStep``: NaN equals NaN (a value is compared, not a computation)."""
    value = guard.convert(array, *guard.args)
    if value != guard.expected and repr(value) != repr(guard.expected):
        raise GuardMiss(guard.line)


class OptimizerStep:
    """``optimizer.step()`` as one opaque step: replay calls ``_update`` per parameter on the recorded
    gradient slots, as ``Optimizer.step`` does after its checks."""

    __slots__ = ("optimizer", "entries")

    def __init__(self, optimizer, entries):
        self.optimizer, self.entries = optimizer, entries   # entries: [(param, group, grad slot)]


def leaves(obj, is_leaf):
    """The items of ``obj`` (through nested tuples, lists and dict values) that ``is_leaf`` picks."""
    if is_leaf(obj):
        yield obj
    elif type(obj) in (tuple, list):
        for o in obj:
            yield from leaves(o, is_leaf)
    elif type(obj) is dict:
        for o in obj.values():
            yield from leaves(o, is_leaf)


def refs(template):
    """The slots a template refers to."""
    return (ref.slot for ref in leaves(template, lambda t: isinstance(t, Ref)))

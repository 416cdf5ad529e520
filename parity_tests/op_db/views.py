"""Registry entries for torch's view model (issue 14): in-place ops through views.

``fill_``/``copy_`` on a view rebase the base's history (``CopySlices``, wrapping ``FillBackward3``
or ``CopyBackwards``); reading a view again after the change regenerates its ``grad_fn``
(``AsStridedBackward0``). Each entry's output depends on the base, the view and the value, so
forward, backward and double backward go through all three nodes.
"""
from . import OpInfo, Rng, Sample


def _view_samples(dtype):
    rng = Rng(140)
    yield Sample([rng.normal((3, 4), dtype), rng.normal((), dtype)])
    yield Sample([rng.normal((2, 3), dtype), rng.normal((), dtype)], grad=[True, False])


def _copy_samples(dtype):
    rng = Rng(141)
    yield Sample([rng.normal((3, 4), dtype), rng.normal((2,), dtype)])
    yield Sample([rng.normal((4, 3), dtype), rng.normal((3, 1), dtype)])


def _fill_view(lib, x, v):
    y = x * x
    y[1:, 1:].fill_(v * 2)
    return y


def _fill(lib, x, v):
    y = x * x
    y.fill_(v)
    return y * x


def _copy_into_transposed_view(lib, x, v):
    y = x * x
    view = y.t()[1:3]
    view.copy_(v.unsqueeze(-1) if v.dim() == 1 else v[:2])
    return y


def _mul_view_then_read_view(lib, x, v):
    y = x * 3
    rows = y[1:]
    rows.mul_(v)
    return rows * y[:1].sum()  # rows' grad_fn is regenerated (AsStridedBackward0)


def _integral_samples(dtype):
    """``//=`` has no derivative (torch's node is ``NotImplemented``): values only, nothing requiring grad."""
    rng = Rng(142)
    yield Sample([rng.normal((3, 4), dtype), rng.normal((), dtype)], grad=[False, False])


def _floor_divide_in_place(lib, x, v):
    y = x * 4
    y //= v.abs() + 0.5
    return y


OPS = [
    OpInfo("fill_on_a_view", _fill_view, _view_samples),
    OpInfo("fill_", _fill, _view_samples),
    OpInfo("copy_into_a_view_of_a_transpose", _copy_into_transposed_view, _copy_samples),
    OpInfo("mul_on_a_view_then_read_it", _mul_view_then_read_view, _view_samples),
    OpInfo("floor_divide_in_place", _floor_divide_in_place, _integral_samples, supports_grad=False),
]

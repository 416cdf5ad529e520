"""``swap_in_optimizer_params_and_state``: run an optimizer, for the duration of a ``with`` block,
on other parameters and another state (e.g. a checkpoint's), leaving the live ones untouched.

As torch/optim/_stateless.py: the swap-in state is ``state_dict()``-shaped (per-parameter states
keyed by packed index, groups with the same keys as the live groups); on exit the live groups'
options and parameters and the live state come back. Only in-place changes of the swap-in tensors
are visible afterwards (a step updates the swap-in parameters and state tensors in place).
"""
import contextlib
from collections import defaultdict

from ..tensor import Tensor

_NAME = "swap_in_optimizer_params_and_state"


def _check_state(state):
    if not isinstance(state, dict):
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['state'] to be a dict mapping packed parameter ids to "
                           f"per-param state dicts, got {type(state).__name__}.")
    if any(isinstance(k, Tensor) for k in state):
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style state keyed by packed parameter ids.")
    if any(isinstance(k, int) and not isinstance(v, dict) for k, v in state.items()):
        raise RuntimeError(f"{_NAME} requires per-parameter optimizer state entries to be dictionaries.")


def _check_group(idx, group, swapin_group):
    """The packed parameter ids of ``swapin_group``, after checking it against the live ``group``."""
    if not isinstance(swapin_group, dict):
        raise RuntimeError(f"{_NAME} requires each optimizer param group to be a dictionary.")
    ids = swapin_group.get("params")
    if not isinstance(ids, list) or not all(isinstance(pid, int) for pid in ids):
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style param_groups[*]['params'] entries keyed by "
                           "packed parameter ids.")
    if len(group["params"]) != len(ids):
        raise RuntimeError(f"swapin_optim_state param group {idx} has a different number of params than the live "
                           "optimizer param group.")
    swapin_only = [k for k in swapin_group if k not in group]
    live_only = [k for k in group if k not in swapin_group]
    if swapin_only or live_only:
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style param group keys to exactly match the live "
                           f"optimizer group keys for group {idx}. Keys only in swap-in: {swapin_only}. Keys only in "
                           f"live: {live_only}.")
    return ids


def _plan(optimizer, swapin_parameters, swapin_optim_state):
    """Check everything; the swap-in state and, per group, (live group, swap-in group, its params)."""
    if not optimizer.state:
        raise RuntimeError(f"{_NAME} requires initialized optimizer state.")
    if not isinstance(swapin_optim_state, dict):
        raise RuntimeError(f"{_NAME} requires a DCP-style optimizer state_dict.")
    state = swapin_optim_state.get("state")
    _check_state(state)
    groups = swapin_optim_state.get("param_groups")
    if not isinstance(groups, list):
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['param_groups'] to be a list of param-group dicts, "
                           f"got {type(groups).__name__}.")
    if len(optimizer.param_groups) != len(groups):
        raise RuntimeError("swapin_optim_state has a different number of parameter groups than the live optimizer.")
    flat = list(swapin_parameters.values())
    offset, seen, plan = 0, set(), []
    for idx, (group, swapin_group) in enumerate(zip(optimizer.param_groups, groups)):
        ids = _check_group(idx, group, swapin_group)
        seen.update(ids)
        if offset + len(ids) > len(flat):
            raise RuntimeError(f"{_NAME} requires the explicit parameter state to match optimizer.param_groups "
                               "ordering.")
        plan.append((group, swapin_group, flat[offset:offset + len(ids)]))
        offset += len(ids)
    extra = [k for k in state if k not in seen]
    if extra:
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['state'] to be keyed only by packed parameter ids "
                           f"from param_groups[*]['params']; got extra keys {extra!r}.")
    return state, plan


@contextlib.contextmanager
def swap_in_optimizer_params_and_state(optimizer, swapin_parameters, swapin_optim_state):
    """Inside the block, ``optimizer`` steps ``swapin_parameters`` (a dict of tensors in the order of
    its groups' parameters, e.g. ``dict(model.named_parameters())``) with ``swapin_optim_state`` (an
    ``optimizer.state_dict()``-shaped dict; its groups' options too). RuntimeError (torch's
    messages) when the live optimizer has no state yet or the swap-in state does not fit its groups."""
    state, plan = _plan(optimizer, swapin_parameters, swapin_optim_state)
    original_state = optimizer.state
    original_groups = [dict(g) for g in optimizer.param_groups]
    try:
        swapin_state = defaultdict(dict)
        for live_group, swapin_group, params in plan:
            live_group["params"] = params
            live_group.update({k: v for k, v in swapin_group.items() if k != "params"})
            for param, param_id in zip(params, swapin_group["params"]):
                swapin_state[param] = dict(state.get(param_id, {}))
        optimizer.state = swapin_state
        yield
    finally:
        for group, saved in zip(optimizer.param_groups, original_groups):
            group.clear()
            group.update(saved)
        optimizer.state = original_state

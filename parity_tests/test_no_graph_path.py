"""The ops that wrap their kernel's array themselves when no graph is recorded (relu, sigmoid,
softmax, log_softmax: ``ops/activation.py``'s ``_records``; ``+``, ``-``, ``*``: ops/arithmetic.py's
operators) must give what ``Function.apply`` gives: the same bits as the recorded path, and the
result's autograd attributes as torch's in every grad mode."""
import numpy as np
import pytest
import torch

import minigrad

OPS = {
    "relu": lambda lib, x: lib.relu(x),
    "sigmoid": lambda lib, x: lib.sigmoid(x),
    "softmax": lambda lib, x: lib.softmax(x, dim=-1),
    "log_softmax": lambda lib, x: lib.log_softmax(x, dim=0),
    "add": lambda lib, x: x + x,
    "mul": lambda lib, x: x * 2.0,
}
MODES = {
    "grad": lambda lib: lib.enable_grad(),
    "no_grad": lambda lib: lib.no_grad(),
    "inference_mode": lambda lib: lib.inference_mode(),
}
VALUES = np.array([[-0.0, 1.5, -2.0, np.nan], [3e38, -3e38, 0.25, -np.inf], [np.inf, 0.0, -1e-40, 7.0]],
                  np.float32)


def attributes(t):
    return (t.requires_grad, t.is_leaf, t.grad_fn is not None and t.grad_fn.name(), t.is_inference(),
            t.dtype.is_floating_point, tuple(t.shape))


@pytest.mark.parametrize("requires_grad", [False, True])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("op", OPS)
def test_no_graph_results_are_apply_results(op, mode, requires_grad):
    results = {}
    for lib in (minigrad, torch):
        x = lib.tensor(VALUES, requires_grad=requires_grad) if mode != "inference_mode" or not requires_grad \
            else lib.tensor(VALUES)
        with MODES[mode](lib):
            results[lib] = OPS[op](lib, x)
    ours, theirs = results[minigrad], results[torch]
    assert attributes(ours)[:4] == attributes(theirs)[:4]
    recorded = OPS[op](minigrad, minigrad.tensor(VALUES, requires_grad=True))  # apply's path
    assert ours.detach().numpy().tobytes() == recorded.detach().numpy().tobytes()


@pytest.mark.parametrize("op", ["relu", "sigmoid", "softmax", "log_softmax"])
def test_a_view_of_a_tensor_that_requires_grad_records_its_node(op):
    """A view's own flag is not the whole story (apply asks ``requires_grad``): the lane must not
    take a view of a leaf that requires grad."""
    ours, theirs = (OPS[op](lib, lib.tensor(VALUES, requires_grad=True)[1:]) for lib in (minigrad, torch))
    assert ours.grad_fn.name() == theirs.grad_fn.name()

"""Transfer learning, end to end, on minigrad and on torch side by side.

Train a model on task A, save its state_dict, load it into a fresh model, replace the head, freeze
the body via named_parameters, fine-tune on task B. Checks: the frozen weights (and buffers) are
bit-for-bit unchanged, only the head trains, the loss on task B falls, and every number along the
way matches torch's run from the same starting weights.
"""
import collections
import copy

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn  # noqa: F401
import minigrad.optim  # noqa: F401
from minigrad.serialization import load as minigrad_load, save as minigrad_save
from _compare import assert_within, loss_bound, optimizer_step_bound, tracked_step, trajectory_bound

SAVE = {minigrad: minigrad_save, torch: torch.save}
LOAD = {minigrad: minigrad_load, torch: torch.load}


def _tasks():
    """Two classification tasks on the same 8 input features (task B reuses A's features)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 8)).astype(np.float32)
    teacher = rng.standard_normal((8, 3))
    y_a = np.argmax(x @ teacher, axis=1)
    y_b = (x[:, 0] * x[:, 1] + (x @ teacher)[:, 0] > 0).astype(np.int64)
    return x, y_a, y_b


def _body(lib):
    nn = lib.nn
    return [nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU()]


def _build(lib, classes):
    return lib.nn.Sequential(*_body(lib), lib.nn.Linear(16, classes))


def _train(lib, model, params, x, y, steps, lr=0.1):
    """SGD with momentum for ``steps`` full-batch steps; the ``_compare.tracked_step`` record."""
    opt = lib.optim.SGD(params, lr=lr, momentum=0.9)
    loss_fn = lib.nn.CrossEntropyLoss()
    record = collections.defaultdict(list)
    for _ in range(steps):
        tracked_step(opt, list(params), lambda: loss_fn(model(x), y), record)
    return record


def _run(lib, start_a, start_head, path):
    x_np, y_a_np, y_b_np = _tasks()
    x, y_a, y_b = lib.tensor(x_np), lib.tensor(y_a_np), lib.tensor(y_b_np)
    # task A
    model_a = _build(lib, 3)
    model_a.load_state_dict({k: lib.tensor(v) for k, v in start_a.items()})
    record_a = _train(lib, model_a, list(model_a.parameters()), x, y_a, steps=25)
    SAVE[lib](model_a.state_dict(), path)
    # task B: a fresh model with A's weights, a new head, the body frozen
    model_b = _build(lib, 3)
    assert repr(model_b.load_state_dict(LOAD[lib](path))) == "<All keys matched successfully>"
    model_b[-1] = lib.nn.Linear(16, 2)
    model_b[-1].load_state_dict({k: lib.tensor(v) for k, v in start_head.items()})
    for name, p in model_b.named_parameters():
        if not name.startswith("5."):
            p.requires_grad = False
    model_b[:-1].eval()  # the slice shares its modules: the body's BatchNorm stops updating its statistics
    frozen = {k: v.clone() for k, v in model_b.state_dict().items() if not k.startswith("5.")}
    trainable = [p for p in model_b.parameters() if p.requires_grad]
    record_b = _train(lib, model_b, trainable, x, y_b, steps=40, lr=0.2)
    with lib.no_grad():
        accuracy = (model_b(x).argmax(1) == y_b).float().mean().item()
    state = {k: v.detach().cpu().numpy() for k, v in model_b.state_dict().items()}
    return dict(model_a=model_a, model_b=model_b, losses_a=record_a["losses"], losses_b=record_b["losses"],
                record_a=record_a, record_b=record_b, frozen=frozen, state=state, accuracy=accuracy)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    torch.manual_seed(0)
    start_a = {k: v.numpy() for k, v in _build(torch, 3).state_dict().items()}
    start_head = {k: v.detach().numpy() for k, v in torch.nn.Linear(16, 2).state_dict().items()}
    tmp = tmp_path_factory.mktemp("transfer")
    return {lib: _run(lib, start_a, start_head, tmp / f"{lib.__name__}_task_a.pt") for lib in (minigrad, torch)}


def test_frozen_body_is_bit_unchanged(runs):
    run = runs[minigrad]
    after = run["model_b"].state_dict()
    for k, before in run["frozen"].items():
        np.testing.assert_array_equal(after[k].numpy(), before.numpy(), err_msg=k)
    for name, p in run["model_b"].named_parameters():
        assert p.requires_grad == name.startswith("5.")
        assert (p.grad is None) != name.startswith("5."), name  # frozen parameters never got a gradient


def test_body_equals_task_a_weights_loaded_from_disk(runs):
    run = runs[minigrad]
    saved = run["model_a"].state_dict()
    for k, v in run["frozen"].items():
        np.testing.assert_array_equal(v.numpy(), saved[k].numpy(), err_msg=k)
        assert v.dtype is saved[k].dtype


def test_head_trains_and_loss_falls(runs):
    run = runs[minigrad]
    assert run["losses_a"][-1] < 0.6 * run["losses_a"][0]
    assert run["losses_b"][-1] < 0.8 * run["losses_b"][0]
    assert run["accuracy"] > 0.75
    head = run["model_b"][-1]
    assert repr(head) == "Linear(in_features=16, out_features=2, bias=True)"


def test_whole_procedure_matches_torch(runs):
    ours, theirs = runs[minigrad], runs[torch]
    # float32 bounds (``_compare``'s policy): each step's gradients sum over the 64 rows (and the
    # BatchNorm's 64 rows) through layers of 8, 16 and 16 inputs and 3 classes
    terms = 64 + 64 + 8 + 16 + 16 + 3
    scale = max(float(np.abs(v).max()) for v in theirs["state"].values())
    bound_a = trajectory_bound(optimizer_step_bound(scale, theirs["record_a"]["update"], terms), np.arange(25))
    assert_within(np.asarray(ours["losses_a"]), np.asarray(theirs["losses_a"]),
                  loss_bound(theirs["losses_a"], terms, theirs["record_a"]["grad_l1"], bound_a), "losses on task A")
    # task B starts from task A's end (25 steps apart) and trains the head for 40 more
    bound_b = trajectory_bound(optimizer_step_bound(scale, theirs["record_b"]["update"], terms), 25 + np.arange(40))
    assert_within(np.asarray(ours["losses_b"]), np.asarray(theirs["losses_b"]),
                  loss_bound(theirs["losses_b"], terms, theirs["record_b"]["grad_l1"], bound_b), "losses on task B")
    assert list(ours["state"]) == list(theirs["state"])
    update = max(theirs["record_a"]["update"], theirs["record_b"]["update"])
    for k in theirs["state"]:
        if theirs["state"][k].dtype.kind == "f":  # weights and BatchNorm statistics, after all 65 steps
            assert_within(ours["state"][k], theirs["state"][k],
                          trajectory_bound(optimizer_step_bound(scale, update, terms), 65), k)
        else:
            np.testing.assert_array_equal(ours["state"][k], theirs["state"][k], err_msg=k)
    assert ours["accuracy"] == theirs["accuracy"]
    assert repr(ours["model_b"]) == repr(theirs["model_b"])


def test_deepcopy_gives_an_independent_model_to_fine_tune(runs):
    base = runs[minigrad]["model_a"]
    tuned = copy.deepcopy(base)
    tuned[-1] = minigrad.nn.Linear(16, 5)
    tuned.requires_grad_(False)
    tuned[-1].requires_grad_(True)
    x = minigrad.randn(4, 8)
    tuned(x).sum().backward()
    assert all(p.grad is None for p in tuned[:-1].parameters())
    assert base[-1].out_features == 3 and base[0].weight.requires_grad
    assert [n for n, p in tuned.named_parameters() if p.requires_grad] == ["5.weight", "5.bias"]

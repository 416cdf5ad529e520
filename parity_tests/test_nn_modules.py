"""nn.Module, the containers and the layers against torch.nn.

Each test builds the same model with ``lib.nn`` for ``lib`` in (minigrad, torch), copies torch's
weights into minigrad (through NumPy), runs the same code on both and compares: forward values,
gradients of the input and of every parameter, running statistics, state_dict keys/shapes/dtypes,
reprs, the Module API's answers, and the exceptions bad input raises.
"""
import copy
import inspect
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn  # noqa: F401 - makes minigrad.nn reachable as lib.nn
from minigrad.nn import _layer_ops
from _compare import assert_close, assert_float_close

LIBS = (minigrad, torch)
FLOAT64_TOL = (1e-10, 1e-9)  # (atol, rtol); grads 10x: rounding stays ~1e-14, formula slips are far above
# float32 (``_compare``'s policy): the deepest case ("mlp") accumulates inner products of 6 and 8 terms,
# a BatchNorm over 5 rows, a LayerNorm over 8 and two more Linear(8) -- 35 terms forward, as many again
# backward (a weight's grad sums over the batch). BatchNorm's 4 training steps of 15 rows (running
# statistics) stay within those 70. Math-library steps: rsqrt of two norms, a tanh-free chain: 4.
MODULE_TERMS, MODULE_OPS = 70, 4


def _dtype(lib, name):
    return getattr(lib, name)


def _twin(build, dtype="float32", device="cpu"):
    """(minigrad model, torch model) from ``build(lib)``, minigrad holding torch's weights."""
    theirs = build(torch).to(_dtype(torch, dtype)).to(device)
    ours = build(minigrad).to(_dtype(minigrad, dtype)).to(device)
    ours.load_state_dict({k: minigrad.tensor(v.detach().cpu().numpy()) for k, v in theirs.state_dict().items()})
    return ours, theirs


def _input(shape, dtype, seed=0, device="cpu"):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return (minigrad.tensor(x, device=device, requires_grad=True), torch.tensor(x, device=device,
                                                                                 requires_grad=True))


def _normalisation_gain(module, inputs, gains):
    """Append the largest factor ``|weight| / sqrt(var + eps)`` torch's BatchNorm/LayerNorm ``module``
    multiplies its input (and its gradient) by (a forward hook)."""
    x = inputs[0].detach().double()
    if isinstance(module, torch.nn.LayerNorm):
        var = x.var(dim=tuple(range(x.dim() - len(module.normalized_shape), x.dim())), unbiased=False)
    elif module.training or module.running_var is None:
        var = x.var(dim=[d for d in range(x.dim()) if d != 1], unbiased=False)
    else:
        var = module.running_var.double()
    weight = 1.0 if module.weight is None else max(1.0, float(module.weight.detach().abs().max()))
    gains.append(weight / float((var.min() + module.eps).sqrt()))


def _check_step(ours, theirs, x_ours, x_theirs, dtype, seed=1):
    """Forward, then backward of sum(out * w): output, input grad and every parameter grad agree."""
    gains = []
    hooks = [m.register_forward_hook(lambda m, inputs, out: _normalisation_gain(m, inputs, gains))
             for m in theirs.modules() if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.LayerNorm))]
    out_o, out_t = ours(x_ours), theirs(x_theirs)
    for hook in hooks:
        hook.remove()
    assert_float_close(out_o, out_t, MODULE_TERMS, MODULE_OPS, FLOAT64_TOL, "forward")
    if out_t.requires_grad:
        assert (out_o.grad_fn and out_o.grad_fn.name()) == (out_t.grad_fn and out_t.grad_fn.name())
        w = np.random.default_rng(seed).standard_normal(tuple(out_t.shape)).astype(dtype)
        (out_o * minigrad.tensor(w, device=out_o.device)).sum().backward()
        (out_t * torch.tensor(w, device=out_t.device)).sum().backward()
        # A gradient's terms are the gradients flowing through the model: their scale is the largest
        # gradient in it, or w times the normalisation layers' gains, whichever is larger (the bias
        # before a BatchNorm, and BatchNorm's input over a batch of 2, get gradients that cancel to ~0).
        params_t = dict(theirs.named_parameters())
        grads_t = [g for g in [x_theirs.grad] + [p.grad for p in params_t.values()] if g is not None]
        grad_scale = max([float(np.abs(w).max(initial=0.0)) * float(np.prod(gains))] +
                         [float(g.abs().max()) if g.numel() else 0.0 for g in grads_t])
        if x_theirs.requires_grad:
            assert_float_close(x_ours.grad, x_theirs.grad, MODULE_TERMS, MODULE_OPS,
                               [10 * t for t in FLOAT64_TOL], "input grad", scale=grad_scale)
        for name, p in ours.named_parameters():
            if params_t[name].grad is None:
                assert p.grad is None, name
            else:
                assert_float_close(p.grad, params_t[name].grad, MODULE_TERMS, MODULE_OPS,
                                   [10 * t for t in FLOAT64_TOL], f"grad of {name}", scale=grad_scale)
    for (name, b_o), (_, b_t) in zip(ours.named_buffers(), theirs.named_buffers()):
        if b_t.dtype.is_floating_point:
            assert_float_close(b_o, b_t, MODULE_TERMS, MODULE_OPS, FLOAT64_TOL, f"buffer {name}")
        else:
            assert_close(b_o, b_t, 0, 0, f"buffer {name}")


# --- layers: forward and backward vs torch --------------------------------------------------------
LAYER_CASES = {
    "linear": (lambda lib: lib.nn.Linear(5, 3), (4, 5)),
    "linear_3d_input": (lambda lib: lib.nn.Linear(5, 3), (2, 4, 5)),
    "linear_1d_input": (lambda lib: lib.nn.Linear(5, 3), (5,)),
    "linear_no_bias": (lambda lib: lib.nn.Linear(5, 3, bias=False), (4, 5)),
    "linear_no_bias_3d": (lambda lib: lib.nn.Linear(5, 3, bias=False), (2, 4, 5)),
    "identity": (lambda lib: lib.nn.Identity(3, unused=True), (2, 3)),
    "flatten": (lambda lib: lib.nn.Flatten(), (2, 3, 4)),
    "flatten_range": (lambda lib: lib.nn.Flatten(0, 1), (2, 3, 4)),
    "unflatten": (lambda lib: lib.nn.Unflatten(1, (3, 4)), (2, 12)),
    "dropout_eval": (lambda lib: lib.nn.Dropout(0.5).eval(), (4, 3)),
    "dropout_p0": (lambda lib: lib.nn.Dropout(0.0), (4, 3)),
    "dropout_p1": (lambda lib: lib.nn.Dropout(1.0), (4, 3)),
    "batchnorm_2d": (lambda lib: lib.nn.BatchNorm1d(3), (8, 3)),
    "batchnorm_3d": (lambda lib: lib.nn.BatchNorm1d(3), (4, 3, 5)),
    "batchnorm_eval": (lambda lib: lib.nn.BatchNorm1d(3).eval(), (8, 3)),
    "batchnorm_no_affine": (lambda lib: lib.nn.BatchNorm1d(3, affine=False), (8, 3)),
    "batchnorm_no_bias": (lambda lib: lib.nn.BatchNorm1d(3, bias=False), (8, 3)),
    "batchnorm_untracked": (lambda lib: lib.nn.BatchNorm1d(3, track_running_stats=False), (8, 3)),
    "batchnorm_untracked_eval": (lambda lib: lib.nn.BatchNorm1d(3, track_running_stats=False).eval(), (8, 3)),
    "batchnorm_momentum_none": (lambda lib: lib.nn.BatchNorm1d(3, momentum=None, eps=1e-3), (8, 3)),
    "layernorm": (lambda lib: lib.nn.LayerNorm(5), (4, 5)),
    "layernorm_2d_shape": (lambda lib: lib.nn.LayerNorm([3, 5]), (2, 3, 5)),
    "layernorm_no_affine": (lambda lib: lib.nn.LayerNorm(5, elementwise_affine=False), (4, 5)),
    "layernorm_no_bias": (lambda lib: lib.nn.LayerNorm(5, bias=False, eps=1e-3), (4, 5)),
    "mlp": (lambda lib: lib.nn.Sequential(lib.nn.Flatten(), lib.nn.Linear(6, 8), lib.nn.BatchNorm1d(8),
                                          lib.nn.Linear(8, 8), lib.nn.LayerNorm(8), lib.nn.Dropout(0.0),
                                          lib.nn.Linear(8, 2)), (5, 2, 3)),
    "nested": (lambda lib: lib.nn.Sequential(OrderedDict(
        body=lib.nn.Sequential(lib.nn.Linear(4, 6), lib.nn.Identity(), lib.nn.Linear(6, 6)),
        head=lib.nn.Sequential(lib.nn.Unflatten(1, (2, 3)), lib.nn.Flatten(), lib.nn.Linear(6, 1)))), (3, 4)),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(LAYER_CASES))
def test_layer_matches_torch(name, dtype, device):
    build, shape = LAYER_CASES[name]
    ours, theirs = _twin(build, dtype, device)
    x_ours, x_theirs = _input(shape, dtype, device=device)
    _check_step(ours, theirs, x_ours, x_theirs, dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("momentum", [0.1, None, 0.5])
def test_batchnorm_running_stats_over_steps(momentum, dtype, device):
    """Several training batches, then eval: running mean/var (unbiased), num_batches_tracked and
    the eval output follow torch."""
    ours, theirs = _twin(lambda lib: lib.nn.BatchNorm1d(4, momentum=momentum), dtype, device)
    for step in range(4):
        shape = (6, 4) if step % 2 else (3, 4, 5)
        x_ours, x_theirs = _input(shape, dtype, seed=step, device=device)
        _check_step(ours, theirs, x_ours, x_theirs, dtype, seed=step)
    assert int(ours.num_batches_tracked) == int(theirs.num_batches_tracked) == 4
    assert ours.num_batches_tracked.dtype is minigrad.int64
    ours.eval(), theirs.eval()
    x_ours, x_theirs = _input((5, 4), dtype, seed=9, device=device)
    _check_step(ours, theirs, x_ours, x_theirs, dtype)


def test_batchnorm_called_twice_before_backward():
    """Each training call updates the running statistics in place; an earlier call's backward
    still works (it does not need them), as in torch. In eval mode it does need them."""
    ours, theirs = _twin(lambda lib: lib.nn.BatchNorm1d(3))
    x_o, x_t = _input((4, 3), "float32")
    for model, x, lib in ((ours, x_o, minigrad), (theirs, x_t, torch)):
        (model(x).pow(2).sum() + model(x * 2).pow(3).sum()).backward()
    # two BatchNorm calls over 4 rows, forward and backward: well inside MODULE_TERMS
    assert_float_close(x_o.grad, x_t.grad, MODULE_TERMS, MODULE_OPS, FLOAT64_TOL, "input grad")
    assert_float_close(ours.weight.grad, theirs.weight.grad, MODULE_TERMS, MODULE_OPS, FLOAT64_TOL, "weight grad")
    for model, x, lib in ((ours, x_o, minigrad), (theirs, x_t, torch)):
        model.eval()
        y = model(x).sum()
        with lib.no_grad():
            model.running_var.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.backward()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", [{}, {"padding_idx": 0}, {"padding_idx": -2}, {"scale_grad_by_freq": True},
                                    {"max_norm": 1.0}, {"max_norm": 0.5, "norm_type": 1.0}])
def test_embedding_matches_torch(kwargs, dtype, device):
    ours, theirs = _twin(lambda lib: lib.nn.Embedding(7, 3, **kwargs), dtype, device)
    idx = np.array([[0, 2, 5], [5, 1, 0]])
    out_o, out_t = ours(minigrad.tensor(idx, device=device)), theirs(torch.tensor(idx, device=device))
    # a lookup is a copy, max_norm rescales rows by max_norm / ||row|| (3 terms, sqrt and division),
    # and a row's grad sums its (at most 3) occurrences
    assert_float_close(out_o, out_t, 3, 2, FLOAT64_TOL, "forward")
    assert_float_close(ours.weight, theirs.weight, 3, 2, FLOAT64_TOL, "weight after max_norm renorm")
    (out_o * out_o).sum().backward()
    (out_t * out_t).sum().backward()
    assert_float_close(ours.weight.grad, theirs.weight.grad, 3, 2, FLOAT64_TOL, "weight grad")
    assert out_o.grad_fn.name() == out_t.grad_fn.name() == "EmbeddingBackward0"


def test_embedding_padding_row_and_from_pretrained():
    for lib in LIBS:
        emb = lib.nn.Embedding(4, 2, padding_idx=2)
        assert emb.weight[2].abs().sum().item() == 0
        pre = lib.nn.Embedding.from_pretrained(lib.tensor([[1.0, 2.0], [3.0, 4.0]]))
        assert not pre.weight.requires_grad and pre(lib.tensor([1])).tolist() == [[3.0, 4.0]]
        assert lib.nn.Embedding.from_pretrained(lib.ones(2, 2), freeze=False).weight.requires_grad
        assert lib.nn.Embedding(3, 2, dtype=lib.float64).weight.dtype == lib.float64
        idx_int32 = lib.tensor([0, 1], dtype=lib.int32)
        assert tuple(pre(idx_int32).shape) == (2, 2)


def test_dropout_training_mask():
    """In training about p of the elements are zeroed, the rest scaled by 1/(1-p); in eval the
    input itself is returned (torch returns the same object)."""
    x = minigrad.ones(100_000)
    out = minigrad.nn.Dropout(0.3)(x)
    kept = out.numpy() != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_array_equal(out.numpy()[kept], np.float32(1) / np.float32(0.7))
    assert out.dtype is minigrad.float32
    drop = minigrad.nn.Dropout(0.3).eval()
    assert drop(x) is x
    y = minigrad.ones(3, 4, requires_grad=True)
    z = minigrad.nn.Dropout(0.5)(y)
    z.sum().backward()
    assert z.grad_fn.name() == "MulBackward0"
    np.testing.assert_array_equal(y.grad.numpy(), (z != 0).numpy() * 2.0)


def test_dropout_inplace():
    for lib in LIBS:
        x = lib.ones(1000)
        out = lib.nn.Dropout(0.5, inplace=True)(x)
        assert out is x and set(np.unique(x.numpy())) <= {0.0, 2.0}
        leaf = lib.ones(4, requires_grad=True)
        y = leaf * 1
        lib.nn.functional.dropout(y, 1.0, inplace=True)
        assert y.grad_fn.name() == "MulBackward0" and y.sum().item() == 0


def test_functional_signatures_match_torch():
    """The layer ops take torch.nn.functional's parameters, in order, with its defaults."""
    def params(fn):
        return [(p.name, p.default, p.kind) for p in inspect.signature(fn).parameters.values()]
    for name in ("dropout", "batch_norm", "layer_norm", "embedding"):
        assert params(getattr(_layer_ops, name)) == params(getattr(torch.nn.functional, name)), name


# --- state_dict -----------------------------------------------------------------------------------
ARCHITECTURES = {
    "mlp": lambda lib: lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.BatchNorm1d(8), lib.nn.Dropout(),
                                         lib.nn.Linear(8, 2, bias=False)),
    "ordered": lambda lib: lib.nn.Sequential(OrderedDict(
        enc=lib.nn.Sequential(lib.nn.Embedding(10, 4), lib.nn.LayerNorm(4)), flat=lib.nn.Flatten(),
        head=lib.nn.Linear(12, 3))),
    "containers": lambda lib: lib.nn.Sequential(
        lib.nn.ModuleDict({"a": lib.nn.Linear(2, 2), "b": lib.nn.BatchNorm1d(2, affine=False)}),
        lib.nn.ModuleList([lib.nn.Linear(2, 2), lib.nn.LayerNorm((2,), elementwise_affine=False),
                           lib.nn.BatchNorm1d(2, track_running_stats=False)])),
}


@pytest.mark.parametrize("name", list(ARCHITECTURES))
def test_state_dict_like_torch(name):
    ours, theirs = ARCHITECTURES[name](minigrad), ARCHITECTURES[name](torch)
    sd_o, sd_t = ours.state_dict(), theirs.state_dict()
    assert isinstance(sd_o, OrderedDict)
    assert list(sd_o) == list(sd_t)
    for k in sd_t:
        assert tuple(sd_o[k].shape) == tuple(sd_t[k].shape), k
        assert repr(sd_o[k].dtype) == repr(sd_t[k].dtype), k
        assert sd_o[k].requires_grad is False and type(sd_o[k]) is minigrad.Tensor
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert list(ours.state_dict(prefix="model.")) == list(theirs.state_dict(prefix="model."))
    kept = ours.state_dict(keep_vars=True)
    assert all(kept[n] is p for n, p in ours.named_parameters())


def test_state_dict_shares_memory_and_loads_tensors_of_numpy_arrays():
    model = minigrad.nn.Linear(3, 2)
    sd = model.state_dict()
    with minigrad.no_grad():
        model.weight.add_(1)
    np.testing.assert_array_equal(sd["weight"].numpy(), model.weight.detach().numpy())
    arrays = {"weight": np.arange(6, dtype=np.float64).reshape(2, 3), "bias": np.array([1.0, 2.0])}
    with pytest.raises(RuntimeError, match="expected torch.Tensor or Tensor-like object"):  # as torch
        model.load_state_dict(arrays)
    tensors = {k: minigrad.from_numpy(v) for k, v in arrays.items()}
    assert repr(model.load_state_dict(tensors)) == "<All keys matched successfully>"
    assert model.weight.dtype is minigrad.float32 and model.weight.tolist()[1] == [3.0, 4.0, 5.0]


def test_load_state_dict_round_trip_and_keys():
    for lib in LIBS:
        a, b = ARCHITECTURES["mlp"](lib), ARCHITECTURES["mlp"](lib)
        result = b.load_state_dict(a.state_dict())
        assert result.missing_keys == [] and result.unexpected_keys == []
        assert str(result) == repr(result) == "<All keys matched successfully>"
        for (n, p), (_, q) in zip(a.state_dict().items(), b.state_dict().items()):
            assert lib.equal(p, q), n
    for lib in LIBS:
        model = lib.nn.Sequential(lib.nn.Linear(2, 2))
        sd = model.state_dict()
        del sd["0.bias"]
        sd["extra"] = lib.zeros(1)
        result = model.load_state_dict(sd, strict=False)
        assert result.missing_keys == ["0.bias"] and result.unexpected_keys == ["extra"]
    ours = repr(minigrad.nn.Linear(1, 1).load_state_dict({"weight": minigrad.ones(1, 1)}, strict=False))
    theirs = repr(torch.nn.Linear(1, 1).load_state_dict({"weight": torch.ones(1, 1)}, strict=False))
    assert ours == theirs == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])"


def test_failed_load_leaves_model_unchanged():
    """Better than torch: every problem is found before anything is copied."""
    model = minigrad.nn.Sequential(minigrad.nn.Linear(3, 4), minigrad.nn.BatchNorm1d(4), minigrad.nn.Linear(4, 2))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    good = {k: minigrad.ones(v.shape, dtype=v.dtype) for k, v in before.items()}
    for bad in ({**good, "2.weight": minigrad.ones(5, 4)},          # size mismatch after good keys
                {k: v for k, v in good.items() if k != "2.bias"},   # missing key
                {**good, "3.weight": minigrad.ones(1)},             # unexpected key
                {**good, "1.running_var": "not a tensor"}):         # wrong type
        with pytest.raises(RuntimeError, match="Error\\(s\\) in loading state_dict for Sequential"):
            model.load_state_dict(bad)
        for k, v in model.state_dict().items():
            assert minigrad.equal(v, before[k]), f"{k} changed by a failed load"
    model.load_state_dict(good)
    assert all(bool((v == 1).all()) for v in model.state_dict().values())


def test_load_state_dict_keeps_parameter_identity():
    model = minigrad.nn.Linear(2, 2)
    weight = model.weight
    model.load_state_dict({"weight": minigrad.zeros(2, 2), "bias": minigrad.zeros(2)})
    assert model.weight is weight and weight.requires_grad and weight.sum().item() == 0
    bn = minigrad.nn.BatchNorm1d(2)
    bn.load_state_dict({**bn.state_dict(), "num_batches_tracked": minigrad.tensor([7])})  # 0-dim <- [1]
    assert bn.num_batches_tracked.item() == 7 and bn.num_batches_tracked.shape == ()


# --- repr -----------------------------------------------------------------------------------------
class _Custom:
    """A user-defined Module subclass (built per library)."""

    @staticmethod
    def build(lib):
        class Net(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.encoder = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.Dropout(0.25, inplace=True))
                self.heads = lib.nn.ModuleDict({"cls": lib.nn.Linear(8, 3), "reg": lib.nn.Linear(8, 1, bias=False)})
                self.blocks = lib.nn.ModuleList([lib.nn.Linear(8, 8) for _ in range(3)] + [lib.nn.Identity()])
                self.scale = lib.nn.Parameter(lib.ones(1))
                self.register_buffer("steps", lib.zeros(1))

            def extra_repr(self):
                return "custom=1\nsecond line"

            def forward(self, x):
                h = self.encoder(x)
                for block in self.blocks:
                    h = block(h)
                return self.heads["cls"](h) * self.scale

        return Net()


REPRS = {
    "linear": lambda lib: lib.nn.Linear(3, 4, bias=False),
    "sequential": ARCHITECTURES["mlp"],
    "ordered": ARCHITECTURES["ordered"],
    "containers": ARCHITECTURES["containers"],
    "custom": _Custom.build,
    "empty_sequential": lambda lib: lib.nn.Sequential(),
    "empty_modulelist": lambda lib: lib.nn.ModuleList(),
    "empty_moduledict": lambda lib: lib.nn.ModuleDict(),
    "repeated_runs": lambda lib: lib.nn.ModuleList([lib.nn.Linear(2, 2), lib.nn.Linear(2, 2), lib.nn.Dropout(),
                                                    lib.nn.Linear(2, 2), lib.nn.Linear(2, 2), lib.nn.Linear(2, 2)]),
    "nested_modulelist": lambda lib: lib.nn.ModuleList([lib.nn.Sequential(lib.nn.Linear(1, 1)) for _ in range(2)]),
    "every_layer_non_default": lambda lib: lib.nn.Sequential(
        lib.nn.Identity(54, unused_argument1=0.1), lib.nn.Flatten(0, 2), lib.nn.Unflatten(-1, (2, 5)),
        lib.nn.Unflatten(1, [3, 4]), lib.nn.Dropout(p=0.1, inplace=True), lib.nn.Dropout(0),
        lib.nn.BatchNorm1d(7, eps=0.001, momentum=None, affine=False, track_running_stats=False),
        lib.nn.BatchNorm1d(7, momentum=0.3, bias=False), lib.nn.LayerNorm([3, 4], eps=1e-6, bias=False),
        lib.nn.LayerNorm(5, elementwise_affine=False), lib.nn.Embedding(10, 3, padding_idx=-1, max_norm=2.0),
        lib.nn.Embedding(10, 3, norm_type=1.0, scale_grad_by_freq=True, sparse=True), lib.nn.Linear(1, 1)),
}


@pytest.mark.parametrize("name", list(REPRS))
def test_repr_like_torch(name):
    assert repr(REPRS[name](minigrad)) == repr(REPRS[name](torch))
    assert str(REPRS[name](minigrad)) == str(REPRS[name](torch))


def test_parameter_repr_and_type():
    values = [[1.5, -2.0], [0.25, 3.0]]
    for kwargs in ({}, {"requires_grad": False}):
        ours = minigrad.nn.Parameter(minigrad.tensor(values), **kwargs)
        theirs = torch.nn.Parameter(torch.tensor(values), **kwargs)
        assert repr(ours) == repr(theirs) and str(ours) == str(theirs)
    assert repr(minigrad.nn.Parameter()) == repr(torch.nn.Parameter())
    p64 = minigrad.nn.Parameter(minigrad.ones(2, dtype=minigrad.float64))
    assert repr(p64) == repr(torch.nn.Parameter(torch.ones(2, dtype=torch.float64)))
    x = minigrad.ones(3)
    p = minigrad.nn.Parameter(x)
    assert p.is_leaf and p.requires_grad and isinstance(p, minigrad.Tensor)
    x.add_(1)  # shares memory (and version counter) with its data
    assert p.tolist() == [2.0, 2.0, 2.0] and p._version == x._version
    assert type(p * 2) is minigrad.Tensor and type(p.detach()) is minigrad.Tensor
    nonleaf = minigrad.ones(2, requires_grad=True) * 2
    assert minigrad.nn.Parameter(nonleaf).is_leaf


def test_parameter_deepcopy_and_pickle():
    p = minigrad.nn.Parameter(minigrad.tensor([1.0, 2.0]))
    (p * p).sum().backward()
    q = copy.deepcopy(p)
    assert type(q) is minigrad.nn.Parameter and q.requires_grad and q.grad is None  # like torch
    with minigrad.no_grad():
        q.add_(1)
    assert p.tolist() == [1.0, 2.0]
    r = pickle.loads(pickle.dumps(minigrad.nn.Parameter(minigrad.ones(2), requires_grad=False)))
    assert type(r) is minigrad.nn.Parameter and not r.requires_grad and r.tolist() == [1.0, 1.0]


# --- the Module API: the same script on both libraries ---------------------------------------------
def _api_answers(lib):
    model = _Custom.build(lib)
    shared = lib.nn.Linear(2, 2)
    twice = lib.nn.Sequential(shared, lib.nn.Sequential(shared))
    model.register_buffer("tmp", lib.ones(1), persistent=False)
    model.register_parameter("nothing", None)
    answers = {
        "params": [(n, tuple(p.shape)) for n, p in model.named_parameters()],
        "params_direct": [tuple(p.shape) for p in model.parameters(recurse=False)],
        "params_prefix": [n for n, _ in model.named_parameters(prefix="m")],
        "buffers": [n for n, _ in model.named_buffers()],
        "children": [type(m).__name__ for m in model.children()],
        "named_children": [n for n, _ in model.named_children()],
        "modules": [type(m).__name__ for m in model.modules()],
        "named_modules": [n for n, _ in model.named_modules(prefix="root")],
        "state_dict": list(model.state_dict()),
        "shared_params": [n for n, _ in twice.named_parameters()],
        "shared_all": [n for n, _ in twice.named_parameters(remove_duplicate=False)],
        "shared_modules": [n for n, _ in twice.named_modules()],
        "submodule": repr(model.get_submodule("heads.cls")),
        "get_parameter": tuple(model.get_parameter("blocks.1.weight").shape),
        "get_buffer": tuple(model.get_buffer("steps").shape),
        "dir_has": [k in dir(model) for k in ("encoder", "scale", "steps", "forward", "training")],
        "attr": (type(model.scale).__name__, model.nothing is None, type(model.encoder).__name__),
    }
    model.eval()
    answers["eval"] = [m.training for m in model.modules()]
    model.train()
    answers["train"] = [m.training for m in model.modules()]
    model.encoder.train(False)
    answers["mixed"] = [m.training for m in model.modules()]
    model.requires_grad_(False)
    answers["frozen"] = [p.requires_grad for p in model.parameters()]
    model.heads.requires_grad_()
    answers["partly"] = [n for n, p in model.named_parameters() if p.requires_grad]
    visited = []
    model.apply(lambda m: visited.append(type(m).__name__))
    answers["apply"] = visited
    del model.scale, model.steps, model.heads
    answers["after_del"] = list(model.state_dict())
    model.heads = lib.nn.Linear(8, 2)  # re-adding under the same name
    model.encoder = None  # a registered child set to None
    answers["after_reassign"] = list(model.state_dict())
    model.extra = lib.nn.Parameter(lib.ones(2))
    model.plain = lib.ones(2)  # a plain tensor attribute is not registered
    answers["after_assign"] = (list(model.state_dict()), "plain" in dict(model.named_buffers()))
    return answers


def test_module_api_like_torch():
    ours, theirs = _api_answers(minigrad), _api_answers(torch)
    for key in theirs:
        assert ours[key] == theirs[key], key


def test_zero_grad_and_requires_grad():
    for lib in LIBS:
        model = lib.nn.Linear(3, 2)
        model(lib.ones(1, 3)).sum().backward()
        model.zero_grad(set_to_none=False)
        assert model.weight.grad is not None and model.weight.grad.abs().sum().item() == 0
        model.zero_grad()
        assert model.weight.grad is None and model.bias.grad is None
        model.weight.requires_grad_(False)
        model(lib.ones(1, 3)).sum().backward()
        assert model.weight.grad is None and model.bias.grad is not None


def test_to_and_dtype_conversions_keep_parameter_identity():
    model = minigrad.nn.Sequential(minigrad.nn.Linear(2, 3), minigrad.nn.BatchNorm1d(3))
    weight = model[0].weight
    model(minigrad.ones(4, 2)).sum().backward()
    assert model.to(minigrad.float64) is model
    assert model[0].weight is weight and weight.dtype is minigrad.float64 and weight.grad.dtype is minigrad.float64
    assert model[1].running_mean.dtype is minigrad.float64
    assert model[1].num_batches_tracked.dtype is minigrad.int64  # integer buffers keep their dtype
    assert model.float()[0].weight.dtype is minigrad.float32
    assert model.half()[0].bias.dtype is minigrad.float16
    assert model.double()[1].weight.dtype is minigrad.float64
    assert model.to("cpu", dtype=minigrad.float32)[0].weight.dtype is minigrad.float32
    assert model.to(minigrad.ones(1, dtype=minigrad.float64))[0].weight.dtype is minigrad.float64
    assert model.cpu()[0].weight.device.type == "cpu"
    assert isinstance(model[0].weight, minigrad.nn.Parameter) and weight.requires_grad


def test_deepcopy_model():
    for lib in LIBS:
        model = ARCHITECTURES["mlp"](lib)
        clone = copy.deepcopy(model)
        assert repr(clone) == repr(model) and list(clone.state_dict()) == list(model.state_dict())
        with lib.no_grad():
            clone[0].weight.add_(1)
        assert not lib.equal(clone[0].weight, model[0].weight)
        assert all(isinstance(p, lib.nn.Parameter) for p in clone.parameters())
        assert clone[0].weight is not model[0].weight


def test_forward_hooks():
    for lib in LIBS:
        model = lib.nn.Linear(2, 2)
        calls = []
        h1 = model.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
        h2 = model.register_forward_hook(lambda m, args, out: calls.append(("post", tuple(args[0].shape))))
        h3 = model.register_forward_hook(lambda m, args, out: out + 100)
        h4 = model.register_forward_hook(lambda m, args, out: calls.append("first"), prepend=True)
        out = model(lib.ones(3, 2))
        assert lib.allclose(out, model.bias.detach() + 100)
        assert calls == ["first", ("post", (3, 2))]
        for h in (h1, h3, h4):
            h.remove()
        out = model(lib.ones(3, 2))
        assert lib.allclose(out, model.weight.detach().sum(1) + model.bias.detach())
        h2.remove()
        kw = model.register_forward_pre_hook(lambda m, args, kwargs: ((args[0] * 2,), kwargs), with_kwargs=True)
        kw2 = model.register_forward_hook(lambda m, args, kwargs, out: out * 0, with_kwargs=True)
        assert model(lib.ones(1, 2)).abs().sum().item() == 0
        kw.remove(), kw2.remove()
        single = model.register_forward_pre_hook(lambda m, args: args[0] + 1)  # a single value is wrapped
        out = model(lib.zeros(1, 2))
        single.remove()
        assert lib.allclose(out, model(lib.ones(1, 2)))


def test_module_call_runs_forward_and_missing_forward_raises():
    class Twice(minigrad.nn.Module):
        def forward(self, x, scale=1):
            return x * 2 * scale
    assert Twice()(minigrad.ones(2), scale=3).tolist() == [6.0, 6.0]
    for lib in LIBS:
        with pytest.raises(NotImplementedError, match=r'Module \[Module\] is missing the required "forward" '
                                                      r'function'):
            lib.nn.Module()(lib.ones(1))


# --- containers -----------------------------------------------------------------------------------
def _sequential_answers(lib):
    nn = lib.nn
    seq = nn.Sequential(nn.Linear(1, 2), nn.Linear(2, 3), nn.Linear(3, 4), nn.Linear(4, 5))
    out = {"len": len(seq), "neg": repr(seq[-1]), "slice": repr(seq[1:3]), "slice_type": type(seq[::2]).__name__,
           "iter": [m.out_features for m in seq]}
    seq[-1] = nn.Linear(4, 7)
    out["set"] = repr(seq)
    seq.append(nn.Identity())
    seq.insert(1, nn.Dropout())
    seq.insert(-1, nn.Flatten())
    out["grown"] = repr(seq)
    del seq[0]
    del seq[1:3]
    out["deleted"] = (repr(seq), list(seq.state_dict()))
    out["popped"] = repr(seq.pop(0))
    seq.extend(nn.Sequential(nn.Linear(5, 5)))
    seq += nn.Sequential(nn.Identity())
    out["extended"] = repr(seq)
    out["added"] = repr(nn.Sequential(nn.Identity()) + nn.Sequential(nn.Flatten()))
    out["ordered_slice"] = repr(nn.Sequential(OrderedDict(a=nn.Identity(), b=nn.Flatten()))[1:])
    out["dir"] = "0" in dir(seq)
    return out


def test_sequential_like_torch():
    ours, theirs = _sequential_answers(minigrad), _sequential_answers(torch)
    for key in theirs:
        assert ours[key] == theirs[key], key


def test_sequential_forward_composes():
    ours, theirs = _twin(lambda lib: lib.nn.Sequential(lib.nn.Linear(3, 3), lib.nn.Linear(3, 1)))
    x_o, x_t = _input((2, 3), "float32")
    _check_step(ours, theirs, x_o, x_t, "float32")
    ours[0] = ours[1] = minigrad.nn.Identity()
    assert ours(x_o) is x_o


def _modulelist_dict_answers(lib):
    nn = lib.nn
    ml = nn.ModuleList([nn.Linear(1, 1), nn.Identity()])
    ml.append(nn.Flatten())
    ml.extend([nn.Dropout()])
    ml.insert(0, nn.Linear(2, 2))
    ml += [nn.Identity()]
    out = {"ml": repr(ml), "len": len(ml), "neg": repr(ml[-2]), "slice": repr(ml[1:3])}
    ml[0] = nn.Linear(3, 3)
    del ml[1]
    out["ml_after"] = (repr(ml), list(ml.state_dict()))
    out["ml_add"] = repr(ml[:1] + nn.ModuleList([nn.Identity()]))
    md = nn.ModuleDict({"b": nn.Linear(1, 1), "a": nn.Identity()})
    md["c"] = nn.Flatten()
    md.update([("d", nn.Dropout())])
    md.update(OrderedDict(e=nn.Identity()))
    out["md"] = (repr(md), list(md.keys()), list(md), len(md), "a" in md, "z" in md)
    out["md_items"] = [(k, type(v).__name__) for k, v in md.items()]
    out["md_pop"] = repr(md.pop("b"))
    del md["c"]
    out["md_after"] = (list(md.keys()), [type(v).__name__ for v in md.values()])
    md.clear()
    out["md_clear"] = len(md)
    return out


def test_modulelist_and_moduledict_like_torch():
    ours, theirs = _modulelist_dict_answers(minigrad), _modulelist_dict_answers(torch)
    for key in theirs:
        assert ours[key] == theirs[key], key


# --- bad input: same exception type and message as torch -------------------------------------------
class _NoInit:
    """Modules whose __init__ forgets super().__init__() (built per library)."""

    @staticmethod
    def assign(lib, value):
        class Bad(lib.nn.Module):
            def __init__(self):
                self.x = value(lib)
        return Bad()


def _module_with_weight(lib):
    m = lib.nn.Module()
    m.weight = lib.nn.Parameter(lib.ones(2))
    m.child = lib.nn.Linear(1, 1)
    m.register_buffer("buf", lib.ones(1))
    return m


ERRORS = {
    "param_before_init": lambda lib: _NoInit.assign(lib, lambda l: l.nn.Parameter(l.ones(1))),
    "module_before_init": lambda lib: _NoInit.assign(lib, lambda l: l.nn.Linear(1, 1)),
    "register_param_before_init": lambda lib: lib.nn.Module.__new__(lib.nn.Module).register_parameter("w", None),
    "register_buffer_before_init": lambda lib: lib.nn.Module.__new__(lib.nn.Module).register_buffer("b", None),
    "tensor_as_param": lambda lib: setattr(_module_with_weight(lib), "weight", lib.ones(2)),
    "int_as_child": lambda lib: setattr(_module_with_weight(lib), "child", 3),
    "str_as_buffer": lambda lib: setattr(_module_with_weight(lib), "buf", "x"),
    "register_non_param": lambda lib: lib.nn.Module().register_parameter("w", lib.ones(1)),
    "register_param_dot": lambda lib: lib.nn.Module().register_parameter("a.b", None),
    "register_param_empty": lambda lib: lib.nn.Module().register_parameter("", None),
    "register_param_exists": lambda lib: _module_with_weight(lib).register_parameter("child", None),
    "register_param_name_type": lambda lib: lib.nn.Module().register_parameter(1, None),
    "register_buffer_dot": lambda lib: lib.nn.Module().register_buffer("a.b", None),
    "register_buffer_empty": lambda lib: lib.nn.Module().register_buffer("", None),
    "register_buffer_exists": lambda lib: _module_with_weight(lib).register_buffer("weight", None),
    "register_buffer_type": lambda lib: lib.nn.Module().register_buffer("b", [1.0]),
    "register_buffer_name_type": lambda lib: lib.nn.Module().register_buffer(None, None),
    "add_module_type": lambda lib: lib.nn.Module().add_module("m", 3),
    "add_module_dot": lambda lib: lib.nn.Module().add_module("a.b", lib.nn.Identity()),
    "add_module_empty": lambda lib: lib.nn.Module().add_module("", lib.nn.Identity()),
    "add_module_exists": lambda lib: _module_with_weight(lib).add_module("weight", lib.nn.Identity()),
    "add_module_name_type": lambda lib: lib.nn.Module().add_module(2, lib.nn.Identity()),
    "missing_attribute": lambda lib: lib.nn.Linear(1, 1).nonexistent,
    "delete_missing": lambda lib: delattr(lib.nn.Linear(1, 1), "nonexistent"),
    "get_submodule_missing": lambda lib: lib.nn.Sequential(lib.nn.Linear(1, 1)).get_submodule("0.foo"),
    "get_submodule_not_module": lambda lib: lib.nn.Sequential(lib.nn.Linear(1, 1)).get_submodule("0.weight"),
    "get_parameter_missing": lambda lib: lib.nn.Sequential(lib.nn.Linear(1, 1)).get_parameter("0.foo"),
    "get_parameter_not_param": lambda lib: lib.nn.Sequential(lib.nn.BatchNorm1d(1)).get_parameter("0.running_mean"),
    "get_buffer_not_buffer": lambda lib: lib.nn.Sequential(lib.nn.BatchNorm1d(1)).get_buffer("0.weight"),
    "train_not_bool": lambda lib: lib.nn.Linear(1, 1).train("yes"),
    "to_int_dtype": lambda lib: lib.nn.Linear(1, 1).to(lib.int64),
    "module_init_kwarg": lambda lib: lib.nn.Module(foo=1),
    "module_init_arg": lambda lib: lib.nn.Module(1),
    "forward_missing": lambda lib: lib.nn.Module()(1),
    # load_state_dict
    "load_not_mapping": lambda lib: lib.nn.Linear(1, 1).load_state_dict([1, 2]),
    "load_missing": lambda lib: lib.nn.Sequential(lib.nn.Linear(3, 4)).load_state_dict(
        {"0.weight": lib.ones(4, 3)}),
    "load_unexpected": lambda lib: lib.nn.Sequential(lib.nn.Linear(3, 4)).load_state_dict(
        {"0.weight": lib.ones(4, 3), "0.bias": lib.ones(4), "1.weight": lib.ones(1), "0.extra": lib.ones(1)}),
    "load_size_mismatch": lambda lib: lib.nn.Sequential(lib.nn.Linear(3, 4)).load_state_dict(
        {"0.weight": lib.ones(2, 3), "0.bias": lib.ones(4)}),
    "load_all_errors": lambda lib: lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4)).load_state_dict(
        {"0.weight": lib.ones(2, 3), "1.weight": "x", "2.weight": lib.ones(1), "1.running_mean": lib.ones(4)}),
    "load_not_tensor": lambda lib: lib.nn.Linear(1, 1).load_state_dict({"weight": [[1.0]], "bias": lib.ones(1)}),
    # containers
    "sequential_index": lambda lib: lib.nn.Sequential(lib.nn.Identity())[5],
    "sequential_neg_index": lambda lib: lib.nn.Sequential(lib.nn.Identity())[-3],
    "sequential_set_index": lambda lib: lib.nn.Sequential(lib.nn.Identity()).__setitem__(2, lib.nn.Identity()),
    "sequential_del_index": lambda lib: lib.nn.Sequential(lib.nn.Identity()).__delitem__(1),
    "sequential_float_index": lambda lib: lib.nn.Sequential(lib.nn.Identity())[0.5],
    "sequential_insert_range": lambda lib: lib.nn.Sequential(lib.nn.Identity()).insert(5, lib.nn.Identity()),
    "sequential_insert_type": lambda lib: lib.nn.Sequential().insert(0, 3),
    "sequential_add_type": lambda lib: lib.nn.Sequential() + [lib.nn.Identity()],
    "sequential_item_type": lambda lib: lib.nn.Sequential(lib.nn.Identity(), 3),
    "modulelist_index": lambda lib: lib.nn.ModuleList([lib.nn.Identity()])[5],
    "modulelist_extend_type": lambda lib: lib.nn.ModuleList().extend(3),
    "moduledict_key": lambda lib: lib.nn.ModuleDict()["x"],
    "moduledict_update_type": lambda lib: lib.nn.ModuleDict().update(3),
    "moduledict_update_pairs": lambda lib: lib.nn.ModuleDict().update([("a", lib.nn.Identity(), 1)]),
    # layers
    "linear_shape": lambda lib: lib.nn.Linear(3, 2)(lib.ones(2, 4)),
    "linear_dtype": lambda lib: lib.nn.Linear(3, 2)(lib.ones(2, 3, dtype=lib.float64)),
    "dropout_p_high": lambda lib: lib.nn.Dropout(1.5),
    "dropout_p_negative": lambda lib: lib.nn.Dropout(-0.1),
    "functional_dropout_p": lambda lib: lib.nn.functional.dropout(lib.ones(2), 2.0),
    "batchnorm_4d": lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(2, 3, 2, 2)),
    "batchnorm_1d": lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(3)),
    "batchnorm_channels": lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(4, 4)),
    "batchnorm_channels_eval": lambda lib: lib.nn.BatchNorm1d(3).eval()(lib.ones(4, 4)),
    "batchnorm_one_value": lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(1, 3)),
    "batchnorm_one_value_3d": lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(1, 3, 1)),
    "batch_norm_eval_no_stats": lambda lib: lib.nn.functional.batch_norm(lib.ones(2, 3), None, None),
    "batch_norm_eval_no_var": lambda lib: lib.nn.functional.batch_norm(lib.ones(2, 3), lib.zeros(3), None),
    "batch_norm_one_stat": lambda lib: lib.nn.functional.batch_norm(lib.ones(2, 3), None, lib.ones(3),
                                                                    training=True),
    "batch_norm_weight_size": lambda lib: lib.nn.functional.batch_norm(
        lib.ones(2, 3), None, None, weight=lib.ones(4), training=True),
    "batch_norm_bias_size": lambda lib: lib.nn.functional.batch_norm(
        lib.ones(2, 3), lib.zeros(3), lib.ones(3), bias=lib.ones(2)),
    "batch_norm_var_size": lambda lib: lib.nn.functional.batch_norm(lib.ones(2, 3), lib.zeros(3), lib.ones(4)),
    "batch_norm_size_order": lambda lib: lib.nn.functional.batch_norm(
        lib.ones(2, 3), lib.zeros(3), lib.ones(2), lib.ones(2), lib.ones(2), training=True),
    "layernorm_shape": lambda lib: lib.nn.LayerNorm(4)(lib.ones(2, 3)),
    "layernorm_shape_2d": lambda lib: lib.nn.LayerNorm((2, 4))(lib.ones(2, 3)),
    "layernorm_too_few_dims": lambda lib: lib.nn.LayerNorm((2, 3))(lib.ones(3)),
    "layer_norm_int_shape": lambda lib: lib.nn.functional.layer_norm(lib.ones(2, 3), 3),
    "layer_norm_weight_shape": lambda lib: lib.nn.functional.layer_norm(lib.ones(2, 3), (3,), lib.ones(4)),
    "layer_norm_bias_shape": lambda lib: lib.nn.functional.layer_norm(lib.ones(2, 3), (3,), None, lib.ones(2)),
    "embedding_index_high": lambda lib: lib.nn.Embedding(4, 3)(lib.tensor([4])),
    "embedding_index_negative": lambda lib: lib.nn.Embedding(4, 3)(lib.tensor([[0, -1]])),
    "embedding_float_index": lambda lib: lib.nn.Embedding(4, 3)(lib.tensor([1.0])),
    "embedding_padding_idx": lambda lib: lib.nn.Embedding(4, 3, padding_idx=4),
    "embedding_padding_idx_negative": lambda lib: lib.nn.Embedding(4, 3, padding_idx=-5),
    "embedding_functional_padding": lambda lib: lib.nn.functional.embedding(lib.tensor([1]), lib.ones(3, 2),
                                                                            padding_idx=3),
    "embedding_weight_1d": lambda lib: lib.nn.functional.embedding(lib.tensor([1]), lib.ones(3)),
    "embedding_pretrained_1d": lambda lib: lib.nn.Embedding.from_pretrained(lib.ones(3)),
    "embedding_weight_shape": lambda lib: lib.nn.Embedding(3, 2, _weight=lib.ones(2, 2)),
    "unflatten_size_type": lambda lib: lib.nn.Unflatten(1, 4),
    "unflatten_element_type": lambda lib: lib.nn.Unflatten(1, (2, 2.0)),
    "flatten_dims": lambda lib: lib.nn.Flatten(2, 5)(lib.ones(2, 3)),
}


def _raise(fn, lib):
    with pytest.raises(Exception) as info:
        fn(lib)
    return info.value


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_like_torch(name):
    ours, theirs = _raise(ERRORS[name], minigrad), _raise(ERRORS[name], torch)
    assert type(ours) is type(theirs), f"{type(ours).__name__}: {ours} vs {type(theirs).__name__}: {theirs}"
    assert str(ours).replace("minigrad.", "torch.") == str(theirs)  # class paths name the library


# --- property tests: random shapes and settings ----------------------------------------------------
from hypothesis import given, strategies as st  # noqa: E402


@given(batch=st.integers(2, 6), features=st.integers(1, 5), length=st.sampled_from([None, 1, 3]),
       momentum=st.sampled_from([0.1, 0.7, None]), affine=st.booleans(), training=st.booleans(),
       dtype=st.sampled_from(["float32", "float64"]))
def test_batchnorm_property(batch, features, length, momentum, affine, training, dtype):
    shape = (batch, features) if length is None else (batch, features, length)
    ours, theirs = _twin(lambda lib: lib.nn.BatchNorm1d(features, momentum=momentum, affine=affine), dtype)
    ours.train(training), theirs.train(training)
    for step in range(2):
        x_ours, x_theirs = _input(shape, dtype, seed=step)
        _check_step(ours, theirs, x_ours, x_theirs, dtype, seed=step)


@given(lead=st.lists(st.integers(1, 4), max_size=2), normalized=st.lists(st.integers(1, 5), min_size=1, max_size=2),
       affine=st.booleans(), bias=st.booleans(), dtype=st.sampled_from(["float32", "float64"]))
def test_layernorm_property(lead, normalized, affine, bias, dtype):
    ours, theirs = _twin(lambda lib: lib.nn.LayerNorm(normalized, elementwise_affine=affine, bias=bias), dtype)
    if affine:  # random affine parameters instead of ones/zeros
        state = {k: np.random.default_rng(3).standard_normal(tuple(v.shape)) for k, v in theirs.state_dict().items()}
        theirs.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
        ours.load_state_dict({k: minigrad.tensor(v) for k, v in state.items()})
    x_ours, x_theirs = _input(tuple(lead) + tuple(normalized), dtype)
    _check_step(ours, theirs, x_ours, x_theirs, dtype)


@given(lead=st.lists(st.integers(1, 4), max_size=2), fan_in=st.integers(1, 6), fan_out=st.integers(1, 6),
       bias=st.booleans(), dtype=st.sampled_from(["float32", "float64"]))
def test_linear_property(lead, fan_in, fan_out, bias, dtype):
    ours, theirs = _twin(lambda lib: lib.nn.Linear(fan_in, fan_out, bias=bias), dtype)
    x_ours, x_theirs = _input(tuple(lead) + (fan_in,), dtype)
    _check_step(ours, theirs, x_ours, x_theirs, dtype)

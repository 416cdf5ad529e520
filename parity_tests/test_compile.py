"""``minigrad.compile``: replay is bit-identical to eager, the guards hold, the API is torch.compile's.

Every comparison here is of *bits* (``tobytes``), never a tolerance: replay calls the same NumPy
functions with the same arguments in the same order as the eager run, so anything else is a bug.
Each test runs a compiled region at least three times (capture, check against eager, replay) and
compares the *replayed* call with an eager twin built from the same seed.
"""
import pathlib
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

import minigrad
from minigrad import nn
from minigrad.compile import OptimizedModule
from op_db import all_ops
from _compare import to_lib

CALLS = 4  # capture, check, replay, replay


def bits(t):
    """A tensor's (or array's) dtype, shape and bytes."""
    a = t._data if isinstance(t, minigrad.Tensor) else np.asarray(t)
    return (str(a.dtype), a.shape, a.tobytes())


def states(compiled):
    return sorted(e.state for e in compiled.cache.values())


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# --- training steps: every optimizer ---------------------------------------------------------------
def mlp(seed=0):
    minigrad.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 4), nn.Tanh(), nn.Linear(4, 2))


def training_step(opt_cls, kwargs, seed=0):
    model = mlp(seed)
    opt = opt_cls(model.parameters(), **kwargs)
    x, y = minigrad.randn(5, 3), minigrad.randn(5, 2)
    loss_fn = nn.MSELoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return model, opt, step


OPTIMIZERS = [
    (minigrad.optim.SGD, {"lr": 0.1}),
    (minigrad.optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-2}),
    (minigrad.optim.Adam, {"lr": 0.01}),
    (minigrad.optim.Adam, {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    (minigrad.optim.AdamW, {"lr": 0.01}),
    (minigrad.optim.Adamax, {"lr": 0.01}),
    (minigrad.optim.NAdam, {"lr": 0.01}),
    (minigrad.optim.RAdam, {"lr": 0.01}),
    (minigrad.optim.Adagrad, {"lr": 0.1}),
    (minigrad.optim.Adadelta, {}),
    (minigrad.optim.Adafactor, {"lr": 0.01}),
    (minigrad.optim.RMSprop, {"lr": 0.01, "momentum": 0.5, "centered": True}),
    (minigrad.optim.Rprop, {}),
    (minigrad.optim.ASGD, {"lr": 0.01}),
]


def optimizer_state_bits(opt):
    return [(k, bits(v) if isinstance(v, minigrad.Tensor) else v)
            for s in opt.state.values() for k, v in sorted(s.items())]


@pytest.mark.parametrize("opt_cls,kwargs", OPTIMIZERS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_every_optimizer_replays_bit_identical(opt_cls, kwargs):
    model_e, opt_e, step_e = training_step(opt_cls, kwargs)
    model_c, opt_c, step_c = training_step(opt_cls, kwargs)
    compiled = minigrad.compile(step_c)
    for _ in range(CALLS + 1):
        le, lc = step_e(), compiled()
        assert bits(le) == bits(lc)
    assert states(compiled) == ["check", "replay"]  # no .grad yet: once; then checked and replayed
    for p, q in zip(model_e.parameters(), model_c.parameters()):
        assert bits(p) == bits(q) and bits(p.grad) == bits(q.grad)
    assert optimizer_state_bits(opt_e) == optimizer_state_bits(opt_c)


def test_gradient_clipping_in_the_step_replays():
    def make():
        model = mlp()
        opt = minigrad.optim.Adam(model.parameters(), lr=0.1)
        x, y = minigrad.randn(5, 3), minigrad.randn(5, 2)

        def step():
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 0.1)
            opt.step()
            return loss
        return model, step
    (m_e, step_e), (m_c, step_c) = make(), make()
    compiled = minigrad.compile(step_c)
    for _ in range(CALLS + 1):
        assert bits(step_e()) == bits(compiled())
    assert all(bits(p) == bits(q) for p, q in zip(m_e.parameters(), m_c.parameters()))
    assert states(compiled) == ["check", "replay"]


def test_optimizers_cover_minigrad_optim():
    """Every optimizer class minigrad.optim exports is in OPTIMIZERS, or explained here: LBFGS
    needs a closure (test_lbfgs_closure_runs_eagerly), Muon only takes 2-D parameters."""
    tested = {cls for cls, _ in OPTIMIZERS} | {minigrad.optim.LBFGS, minigrad.optim.Muon}
    exported = [getattr(minigrad.optim, n) for n in dir(minigrad.optim)]
    exported = {c for c in exported if isinstance(c, type) and issubclass(c, minigrad.optim.Optimizer)
                and c is not minigrad.optim.Optimizer}
    assert exported <= tested, exported - tested


def test_muon_on_matrices():
    minigrad.manual_seed(0)
    ws = [minigrad.randn(4, 3, requires_grad=True) for _ in range(2)]
    w2 = [w.detach().clone().requires_grad_(True) for w in ws]
    x = minigrad.randn(5, 3)

    def make(params):
        opt = minigrad.optim.Muon(params, lr=0.02)

        def step():
            opt.zero_grad()
            loss = (x @ params[0].T).tanh().sum() + (x @ params[1].T).pow(2).mean()
            loss.backward()
            opt.step()
            return loss
        return step
    eager, compiled = make(ws), minigrad.compile(make(w2))
    for _ in range(CALLS):
        assert bits(eager()) == bits(compiled())
    assert all(bits(a) == bits(b) for a, b in zip(ws, w2))
    assert "replay" in states(compiled)


def test_lbfgs_closure_runs_eagerly():
    model_e, model_c = mlp(), mlp()
    x = minigrad.randn(5, 3)

    def make(model):
        opt = minigrad.optim.LBFGS(model.parameters(), lr=0.1, max_iter=3)

        def step():
            def closure():
                opt.zero_grad()
                loss = model(x).pow(2).sum()
                loss.backward()
                return loss
            return opt.step(closure)
        return step
    eager, compiled = make(model_e), minigrad.compile(make(model_c))
    with pytest.warns(UserWarning, match="runs eagerly from now on"):
        compiled()
    eager()
    for _ in range(2):
        assert bits(eager()) == bits(compiled())
    assert all(bits(p) == bits(q) for p, q in zip(model_e.parameters(), model_c.parameters()))


def test_learning_rate_schedule_needs_no_recompile():
    """The optimizer step's Python runs at replay: a scheduler's new lr is used, no new program."""
    _, opt_e, step_e = training_step(minigrad.optim.SGD, {"lr": 0.1, "momentum": 0.9})
    _, opt_c, step_c = training_step(minigrad.optim.SGD, {"lr": 0.1, "momentum": 0.9})
    compiled = minigrad.compile(step_c)
    sched_e = minigrad.optim.lr_scheduler.StepLR(opt_e, step_size=1, gamma=0.5)
    sched_c = minigrad.optim.lr_scheduler.StepLR(opt_c, step_size=1, gamma=0.5)
    for _ in range(CALLS + 2):
        assert bits(step_e()) == bits(compiled())
        sched_e.step()
        sched_c.step()
    assert len(compiled.cache) == 2


# --- the op registry ----------------------------------------------------------------------------------
def _registry_cases():
    for op in all_ops():
        dtype = "float32" if "float32" in op.dtypes else op.dtypes[0]
        sample = next(iter(op.samples(dtype)), None)
        if sample is not None:
            yield pytest.param(op, sample, id=op.name)


def _op_region(op, sample, weights):
    """A region: the op forward, then backward of sum(out * w) into the inputs' .grad."""
    def region(*inputs):
        out = op.fn(minigrad, *inputs, **sample.kwargs)
        first = out[0] if isinstance(out, tuple) else out
        if op.supports_grad and first.requires_grad:
            (first * weights(first)).sum().backward()
        return first
    return region


def _fresh_inputs(sample):
    diff = sample.differentiable()
    return [to_lib(minigrad, x, d) for x, d in zip(sample.inputs, diff)]


REGISTRY = list(_registry_cases())
# The ops whose region is refused and runs eagerly: data-dependent shapes or tie replays (sort, topk,
# kthvalue, msort, embedding_bag, ctc_loss, setitem with a mask), the fused ops' rare-tie fix-up in
# ``_fma`` (add/sub with alpha, addcmul, lerp), values read after a random draw (gumbel_softmax hard,
# rrelu training), in-place ops through views, and a NumPy method the recorder does not follow (gelu).
EAGER = {"F.ctc_loss", "F.embedding_bag", "F.embedding_bag.scale_grad_by_freq", "F.gelu", "F.gumbel_softmax.hard",
         "F.rrelu.training", "Tensor.addcmul", "Tensor.lerp", "add_alpha", "add_alpha_fused", "addcmul",
         "copy_into_a_view_of_a_transpose", "fill_on_a_view", "kthvalue", "lerp", "msort",
         "mul_on_a_view_then_read_it", "setitem", "sort", "sub_alpha_fused", "topk"}


@pytest.mark.parametrize("op,sample", REGISTRY)
def test_registry_op_replays_bit_identical(op, sample):
    cache = {}

    def weights(out):
        key = (tuple(out.shape), str(out.dtype))
        if key not in cache:
            w = np.random.default_rng(0).standard_normal(key[0]).astype(out._data.dtype)
            cache[key] = minigrad.tensor(w)
        return cache[key]
    region = _op_region(op, sample, weights)
    compiled = minigrad.compile(_op_region(op, sample, weights))
    for _ in range(CALLS):
        a, b = _fresh_inputs(sample), _fresh_inputs(sample)
        minigrad.manual_seed(1)
        out_e = region(*a)
        minigrad.manual_seed(1)
        out_c = quiet(compiled, *b)
        assert bits(out_e) == bits(out_c)
        for x, y in zip(a, b):
            if isinstance(x, minigrad.Tensor):
                assert bits(x) == bits(y)
                assert (x.grad is None) == (y.grad is None)
                if x.grad is not None:
                    assert bits(x.grad) == bits(y.grad)
    if op.name not in EAGER:
        assert compiled.eager_reason is None and "replay" in states(compiled), compiled.eager_reason


def test_most_registry_ops_replay():
    """Every registry op but those in ``EAGER`` (under a tenth) is replayed: each registry test
    above asserts it for its op."""
    assert EAGER <= {p.id for p in REGISTRY} and len(EAGER) <= 0.1 * len(REGISTRY)


# --- modules: compile(module) with backward outside ---------------------------------------------------
class LSTMOutput(nn.Module):
    """An LSTM's output sequence alone (a region with one differentiable output)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, batch_first=True)

    def forward(self, x):
        return self.lstm(x)[0]


def test_several_differentiable_outputs_run_eagerly():
    """(output, (h, c)): one backward node per output would sum gradients in another order than
    the eager graph does, so such a region is refused (eagerly, with a warning)."""
    minigrad.manual_seed(0)
    eager = nn.LSTM(3, 2)
    minigrad.manual_seed(0)
    compiled = minigrad.compile(nn.LSTM(3, 2))
    x = minigrad.randn(4, 1, 3)
    with pytest.warns(UserWarning, match="several outputs that keep a graph"):
        compiled(x)
    for _ in range(2):
        (out_e, (h_e, _)), (out_c, (h_c, _)) = eager(x), compiled(x)
        (out_e.sum() + h_e.sum()).backward()
        (out_c.sum() + h_c.sum()).backward()
        assert bits(out_e) == bits(out_c)
    assert all(bits(p.grad) == bits(q.grad) for p, q in zip(eager.parameters(), compiled.parameters()))


def _module_cases():
    yield "Linear", lambda: nn.Linear(4, 3), (6, 4), True
    yield "Conv2d", lambda: nn.Conv2d(2, 3, 3, padding=1), (2, 2, 5, 5), True
    yield "BatchNorm1d-train", lambda: nn.BatchNorm1d(4), (6, 4), True
    yield "BatchNorm2d-eval", lambda: nn.BatchNorm2d(2).eval(), (3, 2, 4, 4), True
    yield "Dropout-train", lambda: nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5)), (6, 4), True
    yield "Dropout-eval", lambda: nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5)).eval(), (6, 4), True
    # LSTM's backward skips a gate term when its gradient is all zeros (``_rnn_ops._unless_zero``
    # reads the values): data-dependent control flow, refused; the region runs eagerly
    yield "LSTM", lambda: LSTMOutput(), (2, 3, 4), True
    yield "MLP-input-grad", lambda: mlp(), (5, 3), False


@pytest.mark.parametrize("name,make,shape,train_params", list(_module_cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_compiled_module_with_backward_outside(name, make, shape, train_params):
    minigrad.manual_seed(0)
    eager = make()
    minigrad.manual_seed(0)
    compiled = minigrad.compile(make())
    assert isinstance(compiled, OptimizedModule)
    x0 = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    for call in range(CALLS):
        xs = [minigrad.tensor(x0 + call, requires_grad=not train_params) for _ in range(2)]
        outs = []
        for module, x in zip((eager, compiled), xs):
            if name == "LSTM" and module is compiled and call == 0:
                with pytest.warns(UserWarning, match="data-dependent"):
                    module(x)
            minigrad.manual_seed(call)
            out = module(x)
            out = out[0] if isinstance(out, tuple) else out
            (out * out).sum().backward()
            outs.append(out)
        assert bits(outs[0]) == bits(outs[1])
        if not train_params:
            assert bits(xs[0].grad) == bits(xs[1].grad)
    for (n, p), (_, q) in zip(eager.named_parameters(), compiled._orig_mod.named_parameters()):
        assert bits(p.grad) == bits(q.grad), n
    for (n, b), (_, c) in zip(eager.named_buffers(), compiled._orig_mod.named_buffers()):
        assert bits(b) == bits(c), n
    if name == "LSTM":
        assert "bool() reads a tensor's value" in compiled._compiled.eager_reason
    else:
        assert "replay" in states(compiled._compiled)


def test_normal_loop_with_a_compiled_model():
    """model = compile(model); the loss, backward and optimizer step stay eager: same bits as eager."""
    runs = []
    for compiled in (False, True):
        model = mlp()
        net = minigrad.compile(model) if compiled else model
        opt = minigrad.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        minigrad.manual_seed(3)
        x, y = minigrad.randn(6, 3), minigrad.randn(6, 2)
        losses = []
        for _ in range(CALLS + 2):
            opt.zero_grad()
            loss = nn.functional.smooth_l1_loss(net(x), y)
            loss.backward()
            opt.step()
            losses.append(bits(loss))
        runs.append((losses, [bits(p) for p in model.parameters()]))
    assert runs[0] == runs[1]
    assert "replay" in states(net._compiled)


def test_lstm_inference_replays():
    minigrad.manual_seed(0)
    lstm = LSTMOutput()
    compiled = minigrad.compile(lstm)
    with minigrad.no_grad():
        for call in range(CALLS):
            x = minigrad.randn(2, 3, 4)
            assert bits(compiled(x)) == bits(lstm(x))
    assert states(compiled._compiled) == ["replay"]


def test_replayed_module_output_backward_graph():
    """A replayed output has one node (CompiledFunctionBackward) whose edges are the leaves; the
    forward and backward programs are readable with explain()."""
    compiled = minigrad.compile(nn.Linear(2, 3))
    for _ in range(3):
        out = compiled(minigrad.randn(4, 2))
    assert compiled._compiled.explain().count("def replay(") == 2
    assert out.grad_fn.name() == "CompiledFunctionBackward"
    assert {id(e) for e, _ in [(n.variable, 0) for n, _ in out.grad_fn.next_functions]} == \
        {id(compiled.weight), id(compiled.bias)}


# --- the chapter training loop (ch3's shape: DataLoader batches, SGD, MSE) ------------------------------
def test_chapter3_training_loop_compiled():
    from minigrad.utils.data import DataLoader, TensorDataset

    def run(compile_step):
        minigrad.manual_seed(42)
        features, targets = minigrad.randn(64, 8), minigrad.randn(64, 1)
        loader = DataLoader(TensorDataset(features, targets), batch_size=16, shuffle=True)
        model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1))
        criterion, optimizer = nn.MSELoss(), minigrad.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

        def step(x, y):
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            return loss
        step = minigrad.compile(step) if compile_step else step
        losses = [bits(step(x, y)) for _ in range(3) for x, y in loader]
        return losses, [bits(p) for p in model.parameters()], step
    eager_losses, eager_params, _ = run(False)
    losses, params, step = run(True)
    assert losses == eager_losses and params == eager_params
    assert "replay" in states(step)


CH3 = pathlib.Path(__file__).parent / "chapters" / "scripts" / "ch3_training_loop.py"
CH3_BODY = """        optimizer.zero_grad()
        inputs, targets = data
        prediction = model(inputs)
        loss = criterion(prediction, targets.view(-1, 1))
        loss.backward()
        optimizer.step()
"""
CH3_STEP = """@torch.compile
def train_step(inputs, targets):
    optimizer.zero_grad()
    prediction = model(inputs)
    loss = criterion(prediction, targets.view(-1, 1))
    loss.backward()
    optimizer.step()
    return loss
"""


def test_chapter3_script_with_its_training_step_compiled(tmp_path):
    """The chapter 3 script itself, its loop body moved into a torch.compile'd step, run by
    ``python -m minigrad.run``: every printed line (losses of 5 epochs, weights) is the same text as
    the eager script's."""
    source = CH3.read_text()
    assert CH3_BODY in source, "the chapter 3 script changed: update CH3_BODY"
    compiled = source.replace(CH3_BODY, "        inputs, targets = data\n        loss = train_step(inputs, targets)\n")
    compiled = compiled.replace("for epoch in range(5):", CH3_STEP + "for epoch in range(5):")
    compiled += "print(sorted(entry.state for entry in train_step.cache.values()))\n"
    script = tmp_path / "ch3_compiled.py"
    script.write_text(compiled)
    outputs = []
    for path in (CH3, script):
        done = subprocess.run([sys.executable, "-m", "minigrad.run", str(path)], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        outputs.append(done.stdout.splitlines())
    assert outputs[1][-1] == "['check', 'replay']"  # 40 steps: one without .grad yet, then checked, replayed
    assert outputs[0] == outputs[1][:-1] and any(line.startswith("epoch 4") for line in outputs[0])


# --- guards ----------------------------------------------------------------------------------------
def test_new_shape_records_new_program():
    f = minigrad.compile(lambda x: (x * 2).exp().sum(dim=0))
    for n in (3, 3, 3, 4, 4, 4):
        x = minigrad.randn(n, 2)
        assert bits(f(x)) == bits((x * 2).exp().sum(dim=0))
    assert states(f) == ["replay", "replay"]


def test_requires_grad_and_grad_mode_are_in_the_signature():
    f = minigrad.compile(lambda x: x * 3)
    x = minigrad.randn(2)
    f(x), f(x.requires_grad_(True))
    with minigrad.no_grad():
        f(x)
    assert len(f.cache) == 3


def test_item_before_any_change_is_a_guard():
    """``if y.sum().item() > 0`` before the region changed anything: replay computes the value again
    and runs the call eagerly where it differs; a guard that keeps failing makes the signature eager
    with one warning naming the line."""
    def region(x):
        y = x * 2
        if y.sum().item() > 0:  # data-dependent control flow
            return y + 1
        return y - 1
    f = minigrad.compile(region)
    line = region.__code__.co_firstlineno + 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for sign in (1, 1, 1, 1, -1, -1, -1, -1, 1):
            x = minigrad.ones(3) * sign
            assert bits(f(x)) == bits(region(x))
            if sign == 1 and len(caught) == 0:
                assert states(f) == ["replay"] or len(f.cache) == 1
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1, messages
    assert f"{__file__}:{line}" in messages[0] and "changed in 3 calls" in messages[0]
    assert states(f) == ["eager"]


def test_classifier_with_batchnorm_and_cross_entropy_replays():
    """cross_entropy checks its targets' range (a read into Python) after BatchNorm changed its running
    statistics: the check depends on the targets only, so replay runs it first; a bad target then
    stops the replay before any change and the eager call raises torch's error."""
    def make():
        minigrad.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
        opt = minigrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

        def step(x, y):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss
        return model, step
    (m_e, step_e), (m_c, step_c) = make(), make()
    compiled = minigrad.compile(step_c)
    minigrad.manual_seed(1)
    for _ in range(CALLS + 1):
        x, y = minigrad.randn(6, 4), minigrad.randint(0, 3, (6,))
        assert bits(step_e(x, y)) == bits(compiled(x, y))
    assert states(compiled) == ["check", "replay"]
    for fn in (step_e, compiled):  # (eagerly, BatchNorm has updated its statistics before the error)
        with pytest.raises(IndexError):
            fn(x, minigrad.tensor([0, 1, 2, 3, 0, 1]))
    for (n, p), (_, q) in zip(m_e.state_dict().items(), m_c.state_dict().items()):
        assert bits(p) == bits(q), n


def test_item_after_the_optimizer_step_is_refused_naming_the_line():
    model = mlp()
    opt = minigrad.optim.SGD(model.parameters(), lr=0.1)
    x = minigrad.randn(4, 3)

    def step():
        opt.zero_grad()
        loss = model(x).pow(2).mean()
        loss.backward()
        opt.step()
        return loss.item()
    f = minigrad.compile(step)
    line = step.__code__.co_firstlineno + 5
    with pytest.warns(UserWarning, match="after an optimizer step") as caught:
        f()
    assert f"{__file__}:{line}" in str(caught[0].message)
    assert isinstance(f(), float) and f.eager_reason is not None


READS = [bool, float, int, lambda t: t.item(), lambda t: t.tolist(), lambda t: t.detach().numpy().tolist()]


@pytest.mark.parametrize("read", READS)
def test_every_value_read_before_a_change_is_a_guard(read):
    f = minigrad.compile(lambda x: (read((x * 2).sum()), x + 1)[1])
    for _ in range(CALLS):
        x = minigrad.ones(1)
        assert bits(f(x)) == bits(x + 1)
    assert states(f) == ["replay"] and f.eager_reason is None


@pytest.mark.parametrize("read", READS)
def test_every_value_read_after_a_draw_is_refused(read):
    f = minigrad.compile(lambda x: (read((x + minigrad.rand(1)).sum()), x + 1)[1])
    with pytest.warns(UserWarning, match="after a random draw"):
        f(minigrad.ones(1))
    assert f.eager_reason is not None


def test_printing_in_a_region_is_refused():
    f = minigrad.compile(lambda x: (repr(x * 2), x + 1)[1])
    with pytest.warns(UserWarning, match="runs eagerly from now on"):
        f(minigrad.ones(1))
    assert f.eager_reason is not None


def test_data_dependent_shape_is_refused():
    f = minigrad.compile(lambda x: x[x > 0].sum())
    with pytest.warns(UserWarning, match="depends on the values"):
        f(minigrad.randn(5))
    for _ in range(3):
        x = minigrad.randn(5)
        assert bits(f(x)) == bits(x[x > 0].sum())


def test_recompile_limit_then_eager_with_torch_warning():
    f = minigrad.compile(lambda x: x + 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(1, 12):
            x = minigrad.randn(n)
            assert bits(f(x)) == bits(x + 1)
    assert len(f.cache) == 8
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and "hit config.recompile_limit (8)" in messages[0]
    assert len(minigrad.compile(lambda x: x + 1, recompile_limit=2).__call__.__self__.cache) == 0


def test_replacing_the_model_rediscovers():
    model = nn.Linear(2, 2)

    def region(x):
        return model(x)
    f = minigrad.compile(region)
    x = minigrad.randn(3, 2)
    for _ in range(3):
        f(x)
    model = nn.Linear(2, 2)  # noqa: F841 - the region reads the new one through its closure
    assert bits(f(x)) == bits(region(x))


def test_modules_and_optimizers_passed_as_arguments_are_watched():
    """A step that gets its model and optimizer as arguments: their parameters are inputs, and the
    .grad replay leaves behind is checked like any other."""
    def step(model, opt, x, y):
        opt.zero_grad()
        loss = (model(x) - y).pow(2).mean()
        loss.backward()
        opt.step()
        return loss
    runs = []
    for compiled in (False, True):
        model = mlp()
        opt = minigrad.optim.Adam(model.parameters(), lr=0.01)
        fn = minigrad.compile(step) if compiled else step
        x, y = minigrad.randn(5, 3), minigrad.randn(5, 2)
        losses = [bits(fn(model, opt, x, y)) for _ in range(CALLS)]
        runs.append((losses, [(bits(p), bits(p.grad)) for p in model.parameters()]))
    assert runs[0] == runs[1]
    assert "replay" in states(fn)


def test_gradient_into_a_tensor_the_region_does_not_name_is_refused():
    holder = type("Holder", (), {})()
    holder.w = minigrad.randn(3, requires_grad=True)

    def region(x):
        (holder.w * x).sum().backward()
    f = minigrad.compile(region)
    with pytest.warns(UserWarning, match="does not name"):
        f(minigrad.ones(3))
    for _ in range(2):
        f(minigrad.ones(3))
    assert holder.w.grad.tolist() == [3.0, 3.0, 3.0]


SCALE = 2.0
STEP = 0


def test_global_numbers_are_guarded_by_value():
    """A global number the region computes with gives a new signature when it changes (not a stale
    constant); a global that is rebound to an equal value keeps the program."""
    global SCALE, STEP
    f = minigrad.compile(lambda x: x * SCALE + STEP * 0)
    x = minigrad.ones(2)
    for value in (2.0, 2.0, 2.0, 3.0, 3.0, float("2.0") + 0.0):
        SCALE, STEP = value, STEP + 0
        assert f(x).tolist() == [value, value]
    assert len(f.cache) == 2


def test_changing_history_of_an_input_is_refused():
    def region(x):
        x.mul_(2)  # x requires grad, is not a leaf: its grad_fn becomes MulBackward0
        return x.sum()
    f = minigrad.compile(region)
    with pytest.warns(UserWarning, match="requires_grad or history"):
        f(minigrad.ones(2, requires_grad=True) * 1)
    x = minigrad.ones(2, requires_grad=True) * 1
    f(x).backward()
    assert x.grad_fn.name() == "MulBackward0"


def test_training_flag_is_in_the_signature():
    minigrad.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5))
    f = minigrad.compile(net)
    x = minigrad.randn(4, 3)
    for _ in range(3):
        f(x)
    net.eval()
    assert bits(f(x)) == bits(net(x))
    assert len(f._compiled.cache) == 2


# --- random numbers ----------------------------------------------------------------------------------
def test_dropout_masks_equal_eager_and_torch():
    def region(x):
        return minigrad.nn.functional.dropout(x, 0.5, training=True) + minigrad.randn(3, 4)

    def torch_region(x):
        return torch.nn.functional.dropout(x, 0.5, training=True) + torch.randn(3, 4)
    f = minigrad.compile(region)
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    minigrad.manual_seed(7)
    torch.manual_seed(7)
    for _ in range(CALLS):
        ours, theirs = f(minigrad.tensor(x)), torch_region(torch.tensor(x))
        assert ours.numpy().tobytes() == theirs.numpy().tobytes()
    assert states(f) == ["replay"]
    assert bits(minigrad.get_rng_state()) == (
        "uint8", (5056,), torch.get_rng_state().numpy().tobytes())


def test_own_generator_advances_once_per_call():
    def region(x, gen):
        return x + minigrad.randn(3, generator=gen)
    gens = [minigrad.Generator().manual_seed(3) for _ in range(2)]
    f = minigrad.compile(region)
    for _ in range(CALLS):
        assert bits(region(minigrad.ones(3), gens[0])) == bits(f(minigrad.ones(3), gens[1]))
    assert bits(gens[0].get_state()) == bits(gens[1].get_state())
    assert "replay" in states(f)


# --- in-place changes of what the user sees ---------------------------------------------------------
def test_in_place_on_inputs_params_grads_and_globals():
    """zero_grad(set_to_none=False) zeroes the .grad arrays in place, the region scales its input and
    a global tensor in place, and the optimizer updates the parameters in place: all replayed."""
    def make():
        model = mlp()
        opt = minigrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        scale = minigrad.ones(1)

        def step(x):
            opt.zero_grad(set_to_none=False)
            x.mul_(0.5)
            scale.add_(1)
            loss = (model(x) * scale).pow(2).mean()
            loss.backward()
            opt.step()
            return loss
        return model, scale, step
    (m_e, s_e, step_e), (m_c, s_c, step_c) = make(), make()
    compiled = minigrad.compile(step_c)
    minigrad.manual_seed(5)
    xs = [minigrad.randn(4, 3) for _ in range(CALLS + 1)]
    for x in xs:
        x_e, x_c = x.clone(), x.clone()
        assert bits(step_e(x_e)) == bits(compiled(x_c))
        assert bits(x_e) == bits(x_c)
    assert bits(s_e) == bits(s_c)
    for p, q in zip(m_e.parameters(), m_c.parameters()):
        assert bits(p) == bits(q) and bits(p.grad) == bits(q.grad)
    assert "replay" in states(compiled)


def test_device_tensors_run_eagerly(monkeypatch):
    """On the stand-in GPU (strict_device.py), a region runs eagerly with one warning: replay through
    CuPy's CUDA graph capture is not done."""
    import strict_device
    strict_device.install(monkeypatch)
    f = minigrad.compile(lambda x: (x * 2).sum())
    x = minigrad.ones(3, device=strict_device.DEVICE)
    with pytest.warns(UserWarning, match="not on the CPU"):
        assert f(x).item() == 6.0
    assert f(x).item() == 6.0 and f.eager_reason is not None


# --- torch.compile's API ---------------------------------------------------------------------------------
def test_decorator_forms():
    @minigrad.compile
    def a(x):
        return x + 1

    @minigrad.compile(mode="reduce-overhead", fullgraph=True, dynamic=False)
    def b(x):
        return x + 2
    x = minigrad.ones(2)
    assert a(x).tolist() == [2.0, 2.0] and b(x).tolist() == [3.0, 3.0]
    assert a.__name__ == "a" and a.__wrapped__.__name__ == "a"
    plain = lambda x: x  # noqa: E731
    assert minigrad.compile(plain, disable=True) is plain


def test_optimized_module_matches_torch():
    torch.manual_seed(0)
    theirs = torch.compile(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU()))
    ours = minigrad.compile(nn.Sequential(nn.Linear(2, 3), nn.ReLU()))
    assert type(ours).__name__ == type(theirs).__name__ == "OptimizedModule"
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    with pytest.raises(TypeError, match="'OptimizedModule' object is not subscriptable"):
        ours[0]  # (torch's OptimizedModule does not forward indexing either)
    linear = nn.Linear(2, 3)
    assert minigrad.compile(linear).weight is linear.weight and ours.training
    ours.eval()
    assert not ours._orig_mod.training and not ours._orig_mod[0].training


@pytest.mark.parametrize("kwargs", [{"mode": "bogus"}, {"backend": "nope"},
                                    {"mode": "max-autotune", "options": {"a": 1}}, {"dynamic": "x"}])
def test_bad_arguments_raise_torchs_errors(kwargs):
    with pytest.raises(Exception) as theirs:
        torch.compile(torch.nn.Linear(2, 3), **kwargs)
    with pytest.raises(Exception) as ours:
        minigrad.compile(nn.Linear(2, 3), **kwargs)
    assert str(ours.value) == str(theirs.value)
    assert isinstance(ours.value, RuntimeError) == isinstance(theirs.value, RuntimeError)
    assert type(ours.value).__name__ == type(theirs.value).__name__


def test_an_error_during_capture_leaves_nothing_behind():
    zeros, draw = np.zeros, minigrad.Generator.normal
    f = minigrad.compile(lambda x: (x * 2 + minigrad.randn(3)).reshape(7))
    x = minigrad.ones(3)
    with pytest.raises(RuntimeError, match=r"shape '\[7\]' is invalid for input of size 3"):
        f(x)
    from minigrad._modes import capture
    assert np.zeros is zeros and minigrad.Generator.normal is draw and capture.recorder is None
    assert type(x._data) is np.ndarray and len(f.cache) == 0


def test_not_callable():
    with pytest.raises(AssertionError, match="A callable function is expected, but <class 'int'> is provided."):
        minigrad.compile(5)

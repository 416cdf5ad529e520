"""nn.RNN / LSTM / GRU, their cells and nn.utils.rnn against torch.

Every option of the layers (nonlinearity, num_layers, bias, batch_first, dropout between layers,
bidirectional, proj_size, given or default initial states, unbatched input, packed sequences)
is checked for output, final states, the input's gradient and every parameter's gradient, in
float32 and float64; plus seeded init (bit-identical), state-dict layout and interchange,
dropout masks (bit-identical), the packing utilities, reprs and errors.

The behaviour tests give minigrad's module torch's parameters (``_twin``), so they hold whichever
kernels torch draws its initial weights with; only the seeded-init test replays torch's RNG kernels
and is skipped where torch runs another build of them (``_compare.skip_unless_avx2_rng``).
"""
import warnings

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.utils.rnn  # noqa: F401
from _compare import assert_close, numpy_of, outcome, skip_unless_avx2_rng
from test_nn_modules import _twin

LIBS = (minigrad, torch)
# float32 bounds from the computation: each step's pre-activation sums input_size + hidden + 2 terms
# of size ~1 (inputs ~N(0,1), weights U(+-1/sqrt(H))), i.e. ~ 10 * eps32 ~ 1e-6 per step; tanh and
# sigmoid have slope <= 1, so over <= 5 steps and 3 stacked layers the outputs differ by a few 1e-6.
# Weight gradients sum a product per packed row (<= 40 rows): ~ 40 * eps32 * sum|terms| ~ 1e-5..1e-4.
# float64: the same counts times eps64 (~1e-16), far below 1e-10.
TOL = {"float32": (2e-5, 1e-4), "float64": (1e-10, 1e-9)}
GRAD_TOL = {"float32": (2e-4, 1e-3), "float64": (1e-9, 1e-8)}

STEPS, BATCH, INPUT, HIDDEN = 5, 3, 4, 6

LAYERS = {
    "rnn": ("RNN", {}),
    "rnn_relu": ("RNN", {"nonlinearity": "relu"}),
    "rnn_no_bias": ("RNN", {"bias": False}),
    "rnn_stacked_bidirectional": ("RNN", {"num_layers": 2, "bidirectional": True}),
    "lstm": ("LSTM", {}),
    "lstm_stacked": ("LSTM", {"num_layers": 3}),
    "lstm_bidirectional_batch_first": ("LSTM", {"bidirectional": True, "batch_first": True}),
    "lstm_proj": ("LSTM", {"proj_size": 2}),
    "lstm_proj_stacked_bidirectional": ("LSTM", {"proj_size": 3, "num_layers": 2, "bidirectional": True}),
    "lstm_no_bias": ("LSTM", {"bias": False, "num_layers": 2}),
    "gru": ("GRU", {}),
    "gru_stacked_bidirectional": ("GRU", {"num_layers": 2, "bidirectional": True}),
    "gru_batch_first_no_bias": ("GRU", {"batch_first": True, "bias": False}),
}


def _layers(name, dtype, **extra):
    """(minigrad layer, torch layer): torch's seeded layer and minigrad's holding its parameters."""
    kind, kwargs = LAYERS[name]

    def build(lib):
        lib.manual_seed(0)
        return getattr(lib.nn, kind)(INPUT, HIDDEN, **kwargs, **extra)
    return _twin(build, dtype)


def _directions(module):
    return 2 if module.bidirectional else 1


def _initial_state(module, dtype, seed, batch=BATCH):
    rng = np.random.default_rng(seed)
    stacked = module.num_layers * _directions(module)
    h = rng.standard_normal((stacked, batch, module.proj_size or HIDDEN)).astype(dtype)
    if module.mode != "LSTM":
        return h
    return h, rng.standard_normal((stacked, batch, HIDDEN)).astype(dtype)


def _tensors(lib, arrays, requires_grad=True):
    if arrays is None:
        return None
    if isinstance(arrays, tuple):
        return tuple(_tensors(lib, a, requires_grad) for a in arrays)
    return lib.tensor(arrays, requires_grad=requires_grad)


def _flat_states(state):
    return list(state) if isinstance(state, tuple) else [state]


def _run(lib, module, x, hx):
    """Output, final states, and the gradients of a random weighting of all of them."""
    x_t, hx_t = _tensors(lib, x), _tensors(lib, hx)
    out, state = module(x_t, hx_t)
    results = [out] + _flat_states(state)
    total = 0
    for k, r in enumerate(results):
        w = np.random.default_rng(100 + k).standard_normal(tuple(r.shape)).astype(x.dtype)
        total = total + (r * lib.tensor(w)).sum()
    total.backward()
    grads = [x_t.grad] + [h.grad for h in _flat_states(hx_t)] if hx is not None else [x_t.grad]
    return results, grads, {n: p.grad for n, p in module.named_parameters()}


def _compare(ours, theirs, dtype, names=True):
    (res_o, grads_o, pgrads_o), (res_t, grads_t, pgrads_t) = ours, theirs
    atol, rtol = TOL[dtype]
    for k, (a, b) in enumerate(zip(res_o, res_t)):
        assert_close(a, b, atol, rtol, f"result {k}")
        if names:  # printed with the tensor
            assert a.grad_fn.name() == b.grad_fn.name(), f"result {k}: node name"
    atol, rtol = GRAD_TOL[dtype]
    for k, (a, b) in enumerate(zip(grads_o, grads_t)):
        assert_close(a, b, atol, rtol, f"grad of input {k}")
    assert list(pgrads_o) == list(pgrads_t)
    for name in pgrads_t:
        assert_close(pgrads_o[name], pgrads_t[name], atol, rtol, f"grad of {name}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("with_state", [False, True], ids=["no_hx", "hx"])
@pytest.mark.parametrize("name", list(LAYERS))
def test_layer_matches_torch(name, with_state, dtype):
    ours, theirs = _layers(name, dtype)
    shape = (BATCH, STEPS, INPUT) if ours.batch_first else (STEPS, BATCH, INPUT)
    x = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    hx = _initial_state(theirs, dtype, 2) if with_state else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: "LSTM with projections is not supported with oneDNN"
        _compare(_run(minigrad, ours, x, hx), _run(torch, theirs, x, hx), dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["rnn", "lstm_proj", "gru_batch_first_no_bias"])
def test_unbatched_input(name, dtype):
    ours, theirs = _layers(name, dtype)
    x = np.random.default_rng(3).standard_normal((STEPS, INPUT)).astype(dtype)
    hx = _initial_state(theirs, dtype, 4, batch=1)
    hx = tuple(h[:, 0] for h in hx) if isinstance(hx, tuple) else hx[:, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _compare(_run(minigrad, ours, x, hx), _run(torch, theirs, x, hx), dtype)
        _compare(_run(minigrad, ours, x, None), _run(torch, theirs, x, None), dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["rnn_stacked_bidirectional", "lstm_proj_stacked_bidirectional",
                                  "gru_stacked_bidirectional", "lstm_stacked"])
def test_dropout_between_layers_is_torchs(name, dtype):
    """Seeded dropout masks equal torch's bit for bit: the same draws on the same (time-major) layout."""
    ours, theirs = _layers(name, dtype, dropout=0.4)
    x = np.random.default_rng(5).standard_normal((STEPS, BATCH, INPUT)).astype(dtype)
    minigrad.manual_seed(7)
    torch.manual_seed(7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _compare(_run(minigrad, ours, x, None), _run(torch, theirs, x, None), dtype)
        ours.eval()
        theirs.eval()  # evaluation: no dropout
        _compare(_run(minigrad, ours, x, None), _run(torch, theirs, x, None), dtype)
    assert minigrad.rand(3).tolist() == torch.rand(3).tolist()  # both generators advanced alike


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("name", ["rnn_stacked_bidirectional", "lstm_proj_stacked_bidirectional",
                                  "gru_stacked_bidirectional", "lstm"])
def test_packed_sequence_matches_torch(name, enforce_sorted, dtype):
    lengths = [5, 3, 3, 1] if enforce_sorted else [2, 5, 1, 4]
    ours, theirs = _layers(name, dtype)
    hx = _initial_state(theirs, dtype, 6, batch=len(lengths))
    rng = np.random.default_rng(7)
    seqs = [rng.standard_normal((n, INPUT)).astype(dtype) for n in lengths]
    answers = []
    for lib, module in ((minigrad, ours), (torch, theirs)):
        rnn = lib.nn.utils.rnn
        xs, h = [lib.tensor(s, requires_grad=True) for s in seqs], _tensors(lib, hx)
        out, state = module(rnn.pack_sequence(xs, enforce_sorted=enforce_sorted), h)
        assert type(out).__name__ == "PackedSequence"
        padded, out_lengths = rnn.pad_packed_sequence(out, batch_first=True, padding_value=-2.0)
        results = [padded] + _flat_states(state)
        total = sum((r * lib.tensor(np.cos(np.arange(r.numel())).reshape(tuple(r.shape)).astype(dtype))).sum()
                    for r in results)
        total.backward()
        grads = [x.grad for x in xs] + [s.grad for s in _flat_states(h)]
        answers.append((results, grads, {n: p.grad for n, p in module.named_parameters()}))
        assert out_lengths.tolist() == lengths
    _compare(*answers, dtype, names=False)  # (the padded result's node is pad_packed_sequence's)


# --- cells ---------------------------------------------------------------------------------------
CELLS = {
    "rnn_cell": ("RNNCell", {}),
    "rnn_cell_relu": ("RNNCell", {"nonlinearity": "relu"}),
    "rnn_cell_no_bias": ("RNNCell", {"bias": False}),
    "lstm_cell": ("LSTMCell", {}),
    "lstm_cell_no_bias": ("LSTMCell", {"bias": False}),
    "gru_cell": ("GRUCell", {}),
    "gru_cell_no_bias": ("GRUCell", {"bias": False}),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_state", [False, True], ids=["no_hx", "hx"])
@pytest.mark.parametrize("name", list(CELLS))
def test_cell_matches_torch(name, with_state, batched, dtype):
    kind, kwargs = CELLS[name]
    rng = np.random.default_rng(8)
    lead = (BATCH,) if batched else ()
    x = rng.standard_normal(lead + (INPUT,)).astype(dtype)
    hx = None
    if with_state:
        hx = rng.standard_normal(lead + (HIDDEN,)).astype(dtype)
        hx = (hx, rng.standard_normal(lead + (HIDDEN,)).astype(dtype)) if kind == "LSTMCell" else hx
    answers = []

    def build(lib):
        lib.manual_seed(0)
        return getattr(lib.nn, kind)(INPUT, HIDDEN, **kwargs)
    for lib, cell in zip(LIBS, _twin(build, dtype)):
        x_t, h_t = _tensors(lib, x), _tensors(lib, hx)
        # two steps, so the second one differentiates through the first's state
        state = cell(x_t, h_t)
        state = cell(x_t * 0.5, state)
        results = _flat_states(state)
        sum((r * (k + 1.5)).sum() for k, r in enumerate(results)).backward()
        grads = [x_t.grad] + ([h.grad for h in _flat_states(h_t)] if hx is not None else [])
        answers.append((results, grads, {n: p.grad for n, p in cell.named_parameters()}))
    _compare(*answers, dtype)


# --- parameters: names, shapes, seeded init, state dicts ------------------------------------------
MODULES = {**{name: (kind, kwargs) for name, (kind, kwargs) in LAYERS.items()}, **CELLS}


def _build(lib, name):
    kind, kwargs = MODULES[name]
    return getattr(lib.nn, kind)(INPUT, HIDDEN, **kwargs)


@pytest.mark.parametrize("name", list(MODULES))
def test_state_dict_like_torch(name):
    ours, theirs = _build(minigrad, name), _build(torch, name)
    sd_o, sd_t = ours.state_dict(), theirs.state_dict()
    assert list(sd_o) == list(sd_t)
    for key in sd_t:
        assert tuple(sd_o[key].shape) == tuple(sd_t[key].shape), key
        assert repr(sd_o[key].dtype) == repr(sd_t[key].dtype), key
    assert repr(ours) == repr(theirs)
    if hasattr(theirs, "_flat_weights_names"):
        assert ours._flat_weights_names == theirs._flat_weights_names
        assert [[p.shape for p in ws] for ws in ours.all_weights] == [[p.shape for p in ws]
                                                                        for ws in theirs.all_weights]


@skip_unless_avx2_rng("uniform_(a, b) as one fused multiply-add")
@pytest.mark.parametrize("name", list(MODULES))
def test_seeded_init_is_torchs(name):
    minigrad.manual_seed(3)
    torch.manual_seed(3)
    ours, theirs = _build(minigrad, name).state_dict(), _build(torch, name).state_dict()
    for key in theirs:
        assert np.array_equal(numpy_of(ours[key]), numpy_of(theirs[key])), f"{key}: init differs from torch's"
    assert minigrad.rand(2).tolist() == torch.rand(2).tolist()  # the same number of draws


@pytest.mark.parametrize("name", ["lstm_proj_stacked_bidirectional", "gru_stacked_bidirectional", "lstm_cell"])
def test_state_dicts_interchange(name):
    """torch's state dict loads into minigrad and minigrad's into torch; both then compute alike."""
    torch.manual_seed(1)
    minigrad.manual_seed(2)
    theirs, ours = _build(torch, name), _build(minigrad, name)
    ours.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    for key, value in theirs.state_dict().items():
        assert np.array_equal(numpy_of(ours.state_dict()[key]), value.numpy())
    back = _build(torch, name)
    back.load_state_dict({k: torch.tensor(numpy_of(v)) for k, v in ours.state_dict().items()})
    for key, value in theirs.state_dict().items():
        assert torch.equal(back.state_dict()[key], value)


def test_training_step_matches_torch():
    """The course's model: LSTM(1, 32, num_layers=2, batch_first) -> Linear on the last step, Adam."""
    answers = []
    for lib in LIBS:
        lib.manual_seed(0)
        lstm, fc = lib.nn.LSTM(1, 8, num_layers=2, batch_first=True), lib.nn.Linear(8, 1)
        params = list(lstm.parameters()) + list(fc.parameters())
        opt = lib.optim.Adam(params, lr=0.01)
        x = lib.tensor(np.sin(np.arange(4 * 12 * 1) / 3.0).reshape(4, 12, 1).astype(np.float32))
        y = lib.tensor(np.cos(np.arange(4) / 2.0).reshape(4, 1).astype(np.float32))
        losses = []
        for _ in range(3):
            h0, c0 = lib.zeros(2, 4, 8), lib.zeros(2, 4, 8)
            out, _ = lstm(x, (h0, c0))
            loss = lib.nn.MSELoss()(fc(out[:, -1, :]), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        answers.append((losses, [numpy_of(p) for p in params]))
    np.testing.assert_allclose(answers[0][0], answers[1][0], rtol=1e-5)
    for a, b in zip(answers[0][1], answers[1][1]):
        np.testing.assert_allclose(a, b, atol=1e-5)


# --- nn.utils.rnn ---------------------------------------------------------------------------------
def _sequences(lib, lengths, dtype="float64", requires_grad=True):
    rng = np.random.default_rng(9)
    return [lib.tensor(rng.standard_normal((n, 2)).astype(dtype), requires_grad=requires_grad) for n in lengths]


@pytest.mark.parametrize("padding_side", ["right", "left"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_sequence(batch_first, padding_side):
    answers = []
    for lib in LIBS:
        xs = _sequences(lib, [3, 5, 1])
        padded = lib.nn.utils.rnn.pad_sequence(xs, batch_first=batch_first, padding_value=-1.5,
                                               padding_side=padding_side)
        (padded * lib.tensor(np.arange(padded.numel()).reshape(tuple(padded.shape)))).sum().backward()
        answers.append((padded, [x.grad for x in xs]))
    assert_close(answers[0][0], answers[1][0], 0, 0, "padded")
    for a, b in zip(answers[0][1], answers[1][1]):
        assert_close(a, b, 0, 0, "grad")


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths,enforce_sorted", [([5, 3, 3, 1], True), ([2, 5, 1, 5], False), ([4], True)])
def test_pack_and_pad_round_trip(lengths, enforce_sorted, batch_first):
    answers = []
    for lib in LIBS:
        rnn = lib.nn.utils.rnn
        xs = _sequences(lib, lengths)
        padded = rnn.pad_sequence(xs, batch_first=batch_first)
        packed = rnn.pack_padded_sequence(padded, lib.tensor(lengths), batch_first=batch_first,
                                          enforce_sorted=enforce_sorted)
        back, back_lengths = rnn.pad_packed_sequence(packed, batch_first=batch_first, padding_value=9.0,
                                                     total_length=6)
        (back * lib.tensor(np.arange(back.numel()).reshape(tuple(back.shape)))).sum().backward()
        unpacked = rnn.unpack_sequence(rnn.pack_sequence(xs, enforce_sorted=False))
        answers.append((packed, back, back_lengths, [x.grad for x in xs], unpacked))
    (p_o, b_o, l_o, g_o, u_o), (p_t, b_t, l_t, g_t, u_t) = answers
    assert_close(p_o.data, p_t.data, 0, 0, "packed data")
    assert p_o.batch_sizes.tolist() == p_t.batch_sizes.tolist()
    for a, b in ((p_o.sorted_indices, p_t.sorted_indices), (p_o.unsorted_indices, p_t.unsorted_indices)):
        assert (a is None and b is None) or a.tolist() == b.tolist()
    assert_close(b_o, b_t, 0, 0, "padded back")
    assert l_o.tolist() == l_t.tolist()
    for a, b in zip(g_o, g_t):
        assert_close(a, b, 0, 0, "grad through pack/pad")
    for a, b in zip(u_o, u_t):
        assert_close(a, b, 0, 0, "unpack_sequence")


ERRORS = {
    "rnn_bad_nonlinearity": lambda lib: lib.nn.RNN(2, 3, nonlinearity="sigmoid"),
    "rnn_proj_size": lambda lib: lib.nn.GRU(2, 3, proj_size=1),
    "proj_too_big": lambda lib: lib.nn.LSTM(2, 3, proj_size=3),
    "dropout_range": lambda lib: lib.nn.LSTM(2, 3, dropout=1.5),
    "hidden_zero": lambda lib: lib.nn.GRU(2, 0),
    "layers_zero": lambda lib: lib.nn.GRU(2, 3, num_layers=0),
    "bias_type": lambda lib: lib.nn.RNN(2, 3, bias=1),
    "input_4d": lambda lib: lib.nn.LSTM(2, 3)(lib.ones(1, 2, 3, 2)),
    "input_4d_rnn": lambda lib: lib.nn.RNN(2, 3)(lib.ones(1, 2, 3, 2)),
    "input_size": lambda lib: lib.nn.GRU(2, 3)(lib.ones(4, 1, 3)),
    "input_dtype": lambda lib: lib.nn.GRU(2, 3)(lib.ones(4, 1, 2, dtype=lib.float64)),
    "hidden_shape": lambda lib: lib.nn.RNN(2, 3)(lib.ones(4, 1, 2), lib.zeros(1, 2, 3)),
    "hidden_dims": lambda lib: lib.nn.RNN(2, 3)(lib.ones(4, 1, 2), lib.zeros(1, 3)),
    "lstm_cell_state_shape": lambda lib: lib.nn.LSTM(2, 3)(lib.ones(4, 1, 2), (lib.zeros(1, 1, 3), lib.zeros(1, 1, 2))),
    "lstm_state_dims": lambda lib: lib.nn.LSTM(2, 3)(lib.ones(4, 2), (lib.zeros(1, 1, 3), lib.zeros(1, 1, 3))),
    "cell_input_3d": lambda lib: lib.nn.GRUCell(2, 3)(lib.ones(1, 1, 2)),
    "lstm_cell_hx_3d": lambda lib: lib.nn.LSTMCell(2, 3)(lib.ones(1, 2), (lib.zeros(1, 1, 3), lib.zeros(1, 3))),
    "pack_unsorted": lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.ones(3, 2, 1), [1, 3]),
    "pack_zero_length": lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.ones(3, 2, 1), [3, 0]),
    "pack_lengths_count": lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.ones(3, 2, 1), [3]),
    "pad_total_length": lambda lib: lib.nn.utils.rnn.pad_packed_sequence(
        lib.nn.utils.rnn.pack_sequence([lib.ones(3), lib.ones(2)]), total_length=2),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_like_torch(name):
    ours, theirs = outcome(ERRORS[name], minigrad), outcome(ERRORS[name], torch)
    assert theirs[0] is not None
    assert ours == theirs


def test_dropout_warning_like_torch():
    for lib in LIBS:
        with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1, but got "
                                             "dropout=0.5 and num_layers=1"):
            lib.nn.GRU(2, 3, dropout=0.5)

"""Registry entries for the recurrent op (minigrad/nn/_rnn_ops.py, ``RecurrentLayer``).

The op is reached the way a torch script reaches torch's: through ``nn.RNN``/``LSTM``/``GRU``
and the cells, here built *from given weights* (each parameter is replaced by an input tensor,
so the generic tests differentiate with respect to every weight, the input and the initial
states). ``fn`` returns one tensor, the output and the final states flattened and joined, so
forward, backward, double backward and gradcheck/gradgradcheck cover all of them. Packed
samples pack a padded batch with ``pack_padded_sequence`` and pad the result back.
"""
import minigrad.nn  # noqa: F401 - makes ``minigrad.nn`` reachable as ``lib.nn``
import minigrad.nn.utils.rnn  # noqa: F401

from . import OpInfo, Sample, Rng

INPUT, HIDDEN, STEPS, BATCH = 2, 2, 3, 2  # small: gradgradcheck differentiates numerically per element
GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


def _with_weights(module, names, weights):
    """``module`` computing with the given tensors in place of its parameters ``names`` (as torch's
    ``RNNBase.__setattr__`` allows: a plain tensor set where the parameter was)."""
    for name, w in zip(names, weights):
        delattr(module, name)
        setattr(module, name, w)
    return module


def _layer(lib, x, h0, c0, *weights, kind, lengths=None, **kwargs):
    module = getattr(lib.nn, kind)(INPUT, HIDDEN, **kwargs)
    _with_weights(module, module._flat_weights_names, weights)
    hx = None if h0 is None else ((h0, c0) if kind == "LSTM" else h0)
    if lengths is not None:
        x = lib.nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
    out, state = module(x, hx)
    if lengths is not None:
        out, _ = lib.nn.utils.rnn.pad_packed_sequence(out)
    states = state if kind == "LSTM" else (state,)
    return lib.cat([out.reshape(-1)] + [s.reshape(-1) for s in states])


def _weight_shapes(kind, num_layers=1, bias=True, bidirectional=False, proj_size=0, **_):
    gate, real = GATES[kind] * HIDDEN, proj_size or HIDDEN
    directions = 2 if bidirectional else 1
    shapes = []
    for layer in range(num_layers):
        for _direction in range(directions):
            shapes += [(gate, INPUT if layer == 0 else real * directions), (gate, real)]
            shapes += [(gate,), (gate,)] if bias else []
            shapes += [(proj_size, HIDDEN)] if proj_size else []
    return shapes, num_layers * directions, real


LAYER_CASES = [
    {"kind": "RNN"}, {"kind": "RNN", "nonlinearity": "relu", "num_layers": 2}, {"kind": "RNN", "bias": False},
    {"kind": "LSTM"}, {"kind": "LSTM", "proj_size": 1, "bidirectional": True}, {"kind": "LSTM", "num_layers": 2},
    {"kind": "GRU"}, {"kind": "GRU", "bidirectional": True, "batch_first": True}, {"kind": "GRU", "bias": False},
]


def _layer_samples(dtype):
    rng = Rng(31)
    for case in LAYER_CASES:
        shapes, stacked, real = _weight_shapes(**case)
        weights = [rng.uniform(s, dtype, -0.6, 0.6) for s in shapes]
        x_shape = (BATCH, STEPS, INPUT) if case.get("batch_first") else (STEPS, BATCH, INPUT)
        c0 = rng.normal((stacked, BATCH, HIDDEN), dtype) if case["kind"] == "LSTM" else None
        yield Sample([rng.normal(x_shape, dtype), rng.normal((stacked, BATCH, real), dtype), c0, *weights], case)
    # unbatched 2-D input, no initial state
    yield Sample([rng.normal((STEPS, INPUT), dtype), None, None,
                  *[rng.uniform(s, dtype, -0.6, 0.6) for s in _weight_shapes("LSTM")[0]]], {"kind": "LSTM"})
    # packed sequences of lengths 2, 3 (unsorted), both directions
    for kind in ("LSTM", "GRU", "RNN"):
        shapes, stacked, real = _weight_shapes(kind, bidirectional=True)
        c0 = rng.normal((stacked, BATCH, HIDDEN), dtype) if kind == "LSTM" else None
        yield Sample([rng.normal((STEPS, BATCH, INPUT), dtype), rng.normal((stacked, BATCH, real), dtype), c0,
                      *[rng.uniform(s, dtype, -0.6, 0.6) for s in shapes]],
                     {"kind": kind, "bidirectional": True, "lengths": [2, 3]})


def _cell(lib, x, h, c, w_ih, w_hh, *biases, kind, **kwargs):
    module = _with_weights(getattr(lib.nn, kind)(INPUT, HIDDEN, bias=bool(biases), **kwargs),
                           ("weight_ih", "weight_hh", "bias_ih", "bias_hh"), (w_ih, w_hh, *biases))
    hx = None if h is None else ((h, c) if kind == "LSTMCell" else h)
    out = module(x, hx)
    return lib.cat([o.reshape(-1) for o in (out if kind == "LSTMCell" else (out,))])


def _cell_samples(dtype):
    rng = Rng(32)
    for kind, gates, kwargs in (("RNNCell", 1, {}), ("RNNCell", 1, {"nonlinearity": "relu"}), ("LSTMCell", 4, {}),
                                ("GRUCell", 3, {})):
        gate = gates * HIDDEN
        weights = [rng.uniform((gate, INPUT), dtype, -0.6, 0.6), rng.uniform((gate, HIDDEN), dtype, -0.6, 0.6)]
        biases = [rng.uniform((gate,), dtype, -0.6, 0.6), rng.uniform((gate,), dtype, -0.6, 0.6)]
        c = rng.normal((BATCH, HIDDEN), dtype) if kind == "LSTMCell" else None
        yield Sample([rng.normal((BATCH, INPUT), dtype), rng.normal((BATCH, HIDDEN), dtype), c, *weights, *biases],
                     {"kind": kind, **kwargs})
        # unbatched, no bias, no initial state
        yield Sample([rng.normal((INPUT,), dtype), None, None, *weights], {"kind": kind, **kwargs})


# float32: each step's pre-activation sums INPUT + HIDDEN + 2 products of size <= ~2 (inputs ~N(0,1),
# weights <= 0.6), so carries ~ 7 * eps32 * 10 ~ 1e-5 absolute; tanh/sigmoid have slope <= 1 and
# STEPS = 3 steps add up at most a few of these. Gradients sum over the STEPS * BATCH rows as well,
# and test_ops scales atol/rtol by 10 for them.
OPS = [
    OpInfo("nn.recurrent_layers", _layer, _layer_samples, atol=3e-5, rtol=1e-4),
    OpInfo("nn.recurrent_cells", _cell, _cell_samples, atol=1e-5, rtol=1e-4),
]

"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` (whole sequences, stacked and bidirectional) and
the single-step cells ``RNNCell``, ``LSTMCell``, ``GRUCell``, shaped like ``torch.nn``'s.

Each layer of each direction is one ``RecurrentLayer`` op over the whole sequence; the cells'
formulas, and why the time loop is one op, are in ``nn/_rnn_ops.py`` (Note [one op per layer]).
This file handles what surrounds them, as ``torch/nn/modules/rnn.py`` and ``RNN.cpp`` do:
parameter names and init, batch_first, unbatched input, default initial states, stacking layers
with dropout between them, both directions, and packed sequences.

Parameters, per layer ``k`` and direction (suffix ``_reverse`` for the backward one), in torch's
order: ``weight_ih_lk`` (G*H, in), ``weight_hh_lk`` (G*H, P), ``bias_ih_lk`` (G*H),
``bias_hh_lk`` (G*H), ``weight_hr_lk`` (P, H) with ``proj_size`` -- G = 1 (RNN), 4 (LSTM), 3 (GRU),
P = proj_size or hidden_size. All are drawn from U(-1/sqrt(H), 1/sqrt(H)) in that order, so
``manual_seed`` gives torch's exact weights and state dicts load in both directions.
"""
import math
import numbers
import warnings

from ...factories import empty, zeros
from ...ops.shape import cat, stack
from .. import init
from .._layer_ops import dropout as _dropout
from .._rnn_ops import GRUStep, LSTMStep, RNNStep, recurrent_layer
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module


def _named(t, name):
    """Give the node that made ``t`` the name torch's own kernel gives it (``RecurrentLayer`` stands
    for torch's fused per-layer kernels and cell arithmetic, whose last node torch names)."""
    if t.grad_fn is not None:
        t.grad_fn._name = name
    return t

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


class RNNBase(Module):
    """What RNN, LSTM and GRU share: the parameters, their init and the stacked, bidirectional,
    packed-or-padded forward pass."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=2)
        if not isinstance(bias, bool):
            raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
        if not isinstance(batch_first, bool):
            raise TypeError(f"batch_first should be of type bool, got: {type(batch_first).__name__}")
        if not isinstance(input_size, int):
            raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size or hidden_size
        directions = 2 if bidirectional else 1
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else real_hidden * directions
                shapes = [(gate_size, layer_input), (gate_size, real_hidden)]
                names = ["weight_ih_l{}{}", "weight_hh_l{}{}"]
                if bias:
                    shapes += [(gate_size,), (gate_size,)]
                    names += ["bias_ih_l{}{}", "bias_hh_l{}{}"]
                if proj_size > 0:
                    shapes.append((proj_size, hidden_size))
                    names.append("weight_hr_l{}{}")
                names = [n.format(layer, "_reverse" if direction == 1 else "") for n in names]
                for name, shape in zip(names, shapes):
                    setattr(self, name, Parameter(empty(shape, device=device, dtype=dtype)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    @property
    def _flat_weights(self):
        return [getattr(self, name, None) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self):
        """A no-op, as in torch off cuDNN (there it packs the weights into one buffer)."""

    def _step(self):
        if self.mode == "LSTM":
            return LSTMStep
        if self.mode == "GRU":
            return GRUStep
        return RNNStep("tanh" if self.mode == "RNN_TANH" else "relu")

    # --- checks, as torch's --------------------------------------------------------------------
    def check_input(self, input, batch_sizes):  # noqa: A002 - torch's parameter name
        weight = self._flat_weights[0]
        if input.dtype != weight.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
                             f"Convert input: input.to({weight.dtype}), or convert model: model.to({input.dtype})")
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                               f"{input.size(-1)}")

    def _expected_size(self, input, batch_sizes, width):  # noqa: A002
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        return (self.num_layers * (2 if self.bidirectional else 1), mini_batch, width)

    def get_expected_hidden_size(self, input, batch_sizes):  # noqa: A002
        return self._expected_size(input, batch_sizes, self.proj_size or self.hidden_size)

    def check_hidden_size(self, hx, expected_hidden_size, msg="Expected hidden size {}, got {}"):
        if hx.size() != expected_hidden_size:
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input, hidden, batch_sizes):  # noqa: A002
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx, permutation):
        return hx if permutation is None else hx.index_select(1, permutation)

    # --- the forward pass ----------------------------------------------------------------------
    def _initial_state(self, data, batch, width):
        directions = 2 if self.bidirectional else 1
        return zeros(self.num_layers * directions, batch, width, dtype=data.dtype, device=data.device)

    def _prepare(self, input, name):  # noqa: A002
        """(data, batch_sizes, the PackedSequence or None, is_batched): a PackedSequence's rows and
        batch sizes, or a padded input (an unbatched one given a batch of 1) and None."""
        if isinstance(input, PackedSequence):
            return input.data, input.batch_sizes, input, True
        if input.dim() not in (2, 3):
            dims = "tensor instead" if name == "RNN" else "instead"
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D {dims}")
        is_batched = input.dim() == 3
        if not is_batched:
            input = input.unsqueeze(0 if self.batch_first else 1)
        return input, None, None, is_batched

    def _run(self, input, batch_sizes, hx, cx):  # noqa: A002
        """The stacked layers on packed rows: (output rows (N, D*P), h_n, c_n or None)."""
        if batch_sizes is None:  # (T, B, in) time-major -> rows
            x = input.transpose(0, 1) if self.batch_first else input
            steps, batch = x.shape[0], x.shape[1]
            sizes = (batch,) * steps
            layer_input = x.reshape(steps * batch, x.shape[2])
        else:
            sizes = tuple(batch_sizes.tolist())
            layer_input = input
        step = self._step()
        directions = 2 if self.bidirectional else 1
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k = layer * directions + direction
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                w = [getattr(self, name + suffix, None) for name in
                     ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")]
                out, h, c = recurrent_layer(layer_input, hx[k], None if cx is None else cx[k], w[0], w[1], w[2],
                                            w[3], w[4], step, sizes, direction == 1)
                outputs.append(out)
                h_n.append(h)
                c_n.append(c)
            layer_input = outputs[0] if directions == 1 else cat(outputs, 1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = _dropout(layer_input, self.dropout, True)
        if batch_sizes is None:
            layer_input = layer_input.reshape(steps, batch, layer_input.shape[1])
            if self.batch_first:
                layer_input = layer_input.transpose(0, 1)
        return _named(layer_input, self._output_node(input, batch_sizes)), stack(h_n), \
            None if cx is None else stack(c_n)

    def _output_node(self, input, batch_sizes):  # noqa: A002
        """The name torch's CPU kernels give the output's node (a printed output shows it): the
        stack of the steps, or the cat of both directions (and of packed steps), transposed back
        for batch_first; a float32 LSTM runs on oneDNN's kernel."""
        if batch_sizes is not None:
            return "CatBackward0"
        if self.batch_first:
            return "TransposeBackward0" if self.mode == "LSTM" else "TransposeBackward1"
        if self.bidirectional:
            return "CatBackward0"
        if self.mode == "LSTM" and self.proj_size == 0 and input.dtype.name == "float32":
            return "MkldnnRnnLayerBackward0"
        return "StackBackward0"

    def _finish(self, output, packed, is_batched):
        if packed is not None:
            return PackedSequence(output, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
        if not is_batched:
            return output.squeeze(0 if self.batch_first else 1)
        return output

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)


class _SingleStateRNN(RNNBase):
    """RNN and GRU: one state tensor ``h``."""

    def forward(self, input, hx=None):  # noqa: A002
        """input (T, B, in) / (B, T, in) with batch_first / (T, in) unbatched / a PackedSequence;
        hx (layers*directions, B, H). Returns (output (T, B, directions*H) or packed, h_n)."""
        name = "RNN" if self.mode.startswith("RNN") else self.mode
        data, batch_sizes, packed, is_batched = self._prepare(input, name)
        if packed is None and hx is not None:
            if is_batched and hx.dim() != 3:
                raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
            if not is_batched:
                if hx.dim() != 2:
                    raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor")
                hx = hx.unsqueeze(1)
        if hx is None:
            batch = int(batch_sizes[0]) if packed is not None else data.size(0 if self.batch_first else 1)
            hx = self._initial_state(data, batch, self.hidden_size)
        elif packed is not None:
            hx = self.permute_hidden(hx, packed.sorted_indices)
        self.check_forward_args(data, hx, batch_sizes)
        output, h_n, _ = self._run(data, batch_sizes, hx, None)
        if packed is not None:
            h_n = self.permute_hidden(h_n, packed.unsorted_indices)
        elif not is_batched:
            h_n = h_n.squeeze(1)
        return self._finish(output, packed, is_batched), h_n


class RNN(_SingleStateRNN):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or relu), per layer."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:  # RNN(input_size, hidden_size, num_layers, nonlinearity, ...), as torch allows
            nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)
        self.nonlinearity = nonlinearity


class GRU(_SingleStateRNN):
    """Gated recurrent unit (gates r, z, n; formulas in ``nn/_rnn_ops.py``, ``GRUStep``)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


class LSTM(RNNBase):
    """Long short-term memory (gates i, f, g, o; formulas in ``nn/_rnn_ops.py``, ``LSTMStep``);
    ``proj_size > 0`` projects each h_t to proj_size features with ``weight_hr``."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input, batch_sizes):  # noqa: A002
        return self._expected_size(input, batch_sizes, self.hidden_size)

    def check_forward_args(self, input, hidden, batch_sizes):  # noqa: A002
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return hx[0].index_select(1, permutation), hx[1].index_select(1, permutation)

    def forward(self, input, hx=None):  # noqa: A002
        """input as for RNN; hx = (h_0, c_0) of (layers*directions, B, P) and (..., B, H).
        Returns (output (T, B, directions*P) or packed, (h_n, c_n))."""
        data, batch_sizes, packed, is_batched = self._prepare(input, "LSTM")
        if hx is None:
            batch = int(batch_sizes[0]) if packed is not None else data.size(0 if self.batch_first else 1)
            hx = (self._initial_state(data, batch, self.proj_size or self.hidden_size),
                  self._initial_state(data, batch, self.hidden_size))
            if packed is None:
                self.check_forward_args(data, hx, batch_sizes)
        elif packed is not None:
            hx = self.permute_hidden(hx, packed.sorted_indices)
        else:
            want = 3 if is_batched else 2
            if hx[0].dim() != want or hx[1].dim() != want:
                kind = "batched 3-D" if is_batched else "unbatched 2-D"
                raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                                   f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
            if not is_batched:
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
            self.check_forward_args(data, hx, batch_sizes)
        output, h_n, c_n = self._run(data, batch_sizes, hx[0], hx[1])
        if packed is not None:
            h_n, c_n = self.permute_hidden((h_n, c_n), packed.unsorted_indices)
        elif not is_batched:
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return self._finish(output, packed, is_batched), (h_n, c_n)


# --- cells ---------------------------------------------------------------------------------------
class RNNCellBase(Module):
    """One step of a recurrent layer: ``weight_ih`` (G*H, in), ``weight_hh`` (G*H, H), ``bias_ih``,
    ``bias_hh`` (G*H), all drawn from U(-1/sqrt(H), 1/sqrt(H)) in that order, as in torch."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _batched(self, input, states, name, labels):  # noqa: A002
        """(input (B, in), states each (B, H) or None, is_batched), after torch's dimension checks;
        unbatched 1-D input gets a batch of 1."""
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        for label, state in zip(labels, states or ()):
            if state.dim() not in (1, 2):
                raise ValueError(f"{name}: Expected {label} to be 1D or 2D, got {state.dim()}D instead")
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
            states = None if states is None else [s.unsqueeze(0) for s in states]
        return input, states, is_batched

    def _cell(self, input, states, step):  # noqa: A002
        """One step: the layer op over a sequence of length 1."""
        if states is None:
            zero = zeros(input.size(0), self.hidden_size, dtype=input.dtype, device=input.device)
            states = [zero] * step.states
        _, h, c = recurrent_layer(input, states[0], states[1] if step.states == 2 else None, self.weight_ih,
                                  self.weight_hh, self.bias_ih, self.bias_hh, None, step, (input.size(0),), False)
        return h, c


class RNNCell(RNNCellBase):
    """``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (``nonlinearity='relu'``: relu)."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):  # noqa: A002
        input, states, is_batched = self._batched(input, None if hx is None else [hx], "RNNCell", ["hidden"])
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        h, _ = self._cell(input, states, RNNStep(self.nonlinearity))
        return _named(h, "TanhBackward0" if self.nonlinearity == "tanh" else "ReluBackward0") if is_batched \
            else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step: ``(h', c')`` from ``x`` and ``(h, c)`` (formulas: ``LSTMStep``)."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):  # noqa: A002
        input, states, is_batched = self._batched(input, hx, "LSTMCell", ["hx[0]", "hx[1]"])
        h, c = self._cell(input, states, LSTMStep)
        # torch's names: h' = o * tanh(c') and c' = f * c + i * g
        return (_named(h, "MulBackward0"), _named(c, "AddBackward0")) if is_batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step: ``h'`` from ``x`` and ``h`` (formulas: ``GRUStep``)."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):  # noqa: A002
        input, states, is_batched = self._batched(input, None if hx is None else [hx], "GRUCell", ["hidden"])
        h, _ = self._cell(input, states, GRUStep)
        return _named(h, "AddBackward0") if is_batched else h.squeeze(0)  # torch's name: h' = n + z * (h - n)

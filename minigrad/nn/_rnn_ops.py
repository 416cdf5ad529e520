"""The recurrent op: one layer, one direction of an RNN, LSTM or GRU over a whole sequence.

Note [one op per layer]
-----------------------
A recurrent layer applies the same cell at every time step t::

    a_t = x_t W_ih^T + b_ih  +  h_{t-1} W_hh^T + b_hh        (the gate pre-activations)
    h_t = cell(a_t, state_{t-1})

The input half of ``a_t`` does not depend on the recurrence, so it is computed for all steps at
once by one ``linear`` (as torch does). The rest could be unrolled through ordinary Tensor ops,
one graph node per add/sigmoid/tanh/mul/slice per step; measured on the course's model (2-layer
LSTM, hidden 32, 96 steps, batch 32) that is about 10x slower than torch: ~15 nodes per step, a
slice's backward that writes into a zero array the size of the whole sequence, and per-op
bookkeeping that costs more than the arithmetic on 32x32 arrays. So the time loop is one op,
``RecurrentLayer``, with the cell's step written once per kind below:

* ``forward`` runs the loop on arrays (a few NumPy calls per step) and returns, for every step,
  one row holding the new state *and* the gate activations the backward needs;
* ``backward`` runs back-propagation through time with Tensor ops. Because everything it reads
  is an op input or this op's own output (``ctx.output``, whose ``grad_fn`` is this node), its
  graph is differentiable again: ``create_graph=True`` gives double backward, as for ``Sigmoid``.
  For that reason the step's backward also adds the gradients that arrive at the gate columns of
  the output (zero in a first backward, not in a second).

Speed (``python -m benchmarks --suite rnn``): the GRU runs at about torch's speed, whose CPU GRU
is per-step ATen ops with autograd; the LSTM is slower than torch's, which runs a float32 LSTM as
one oneDNN call per layer with fused gate arithmetic, while a NumPy step here is ~15 calls of
~1 us each on 32x128 arrays.

Sequences of different lengths come *packed* (``nn.utils.rnn.PackedSequence``): the rows of
step t are the first ``batch_sizes[t]`` sequences, and the batch only shrinks over time. A
padded batch is the special case ``batch_sizes = (B,) * T``. The reverse direction walks the
steps from last to first, so its batch grows instead; a sequence that has not started yet keeps
its initial state.

Gate order and formulas are torch's (``torch/nn/modules/rnn.py``, ``aten/src/ATen/native/RNN.cpp``).
"""
import numpy as np

from ..autograd.function import BuiltinFunction
from .._modes import grad_state as _grad_state
from ..ops.arithmetic import where
from ..ops.linalg import Matmul, linear
from ..ops.shape import Cat, cat
from ..ops.activation import sigmoid_array
from ..tensor import Tensor


def _part(t, index):
    """``t[index]``: a graph node while a double-backward graph is being built, else just a view
    (under no_grad a slice records nothing, so the op's bookkeeping would be pure overhead)."""
    if _grad_state.enabled:
        return t[index]
    return Tensor._wrap(t._data[index], t.dtype)


def _cols(t, start, stop):
    return _part(t, (slice(None), slice(start, stop)))


def _rows(t, start, stop):
    return _part(t, (slice(start, stop),))


# The per-step ops call Cat and Matmul directly: their shapes fit by construction, and the public
# functions' checks would cost more than the ops on these small blocks (as in ``Linear.backward``).
def _join(tensors):
    """Concatenate (B, k) blocks along the columns."""
    return Cat.apply(1, *tensors)


def _mm(a, b):
    return Matmul.apply(a, b)


def _unless_zero(t):
    """``t``, or None for an all-zero gradient that carries no graph: a term the step can skip.
    The gate columns of the output get exactly that in a first backward (only a second reads them)."""
    return t if t.requires_grad or t._data.any() else None


def _plus(a, b):
    return a if b is None else a + b


# --- the cells: one step forward (arrays) beside its backward (Tensors) --------------------------
# Each cell's backward is split in two. ``factors`` computes, for all steps at once (vectorised),
# everything that does not depend on the gradient carried back from later steps: the activations'
# derivatives and their products with the saved values. ``backward`` then does, per step, only
# what the recurrence forces: a few multiply-adds with the carried gradient and one matmul.
class RNNStep:
    """Elman cell: ``h' = tanh(a)`` (or ``relu(a)``), ``a = x W_ih^T + b_ih + h W_hh^T + b_hh``.

    Output row: ``[h']``. Backward: ``da = dh' * (1 - h'^2)`` (tanh) or ``dh' * (h' > 0)`` (relu);
    ``dh = da W_hh``."""

    gates = 1
    states = 1

    def __init__(self, nonlinearity):
        self.nonlinearity = nonlinearity

    @staticmethod
    def widths(hidden, proj):
        """Column widths of an output row; the first ``states`` of them are the new state."""
        return (hidden,)

    def forward(self, xa, state, w_hh, b_hh, w_hr, out):
        h, = state
        a = h @ w_hh.T
        a += xa
        if b_hh is not None:
            a += b_hh
        if self.nonlinearity == "tanh":
            np.tanh(a, out=out)
        else:
            np.maximum(a, 0, out=out)
        return (out,)

    def factors(self, grad, row, prev):
        h, = row
        return [grad[0], 1 - h * h if self.nonlinearity == "tanh" else (h > 0).to(h.dtype)]

    @staticmethod
    def backward(factors, carry, w_hh, w_hr):
        g_h, slope = factors
        dh = carry[0] + g_h
        da = dh * slope
        return da, da, dh, (_mm(da, w_hh),)


class LSTMStep:
    """LSTM cell, gates in torch's order ``i, f, g, o`` (input, forget, cell, output)::

        i = sigmoid(a_i)   f = sigmoid(a_f)   g = tanh(a_g)   o = sigmoid(a_o)
        c' = f * c + i * g
        h' = o * tanh(c')            (with proj_size: h' = hr W_hr^T,  hr = o * tanh(c'))

    Output row: ``[h', c', i, f, g, o]``. Backward, with ``sigmoid' = s (1 - s)``, ``tanh' = 1 - t^2``::

        dhr = dh' (W_hr)             dc' += dhr * o * tanh'(c')
        d[i, f, g, o] = [dc' g, dc' c, dc' i, dhr tanh(c')]
        da = d[i, f, g, o] * [sigmoid', sigmoid', tanh', sigmoid']
        dc = dc' f                   dh = da W_hh
    """

    gates = 4
    states = 2

    @staticmethod
    def widths(hidden, proj):
        return (proj or hidden, hidden, 4 * hidden)

    @staticmethod
    def forward(xa, state, w_hh, b_hh, w_hr, out):
        h, c = state
        n_h, hidden = out.shape[1] - 5 * c.shape[1], c.shape[1]
        a = h @ w_hh.T
        a += xa
        if b_hh is not None:
            a += b_hh
        act = out[:, n_h + hidden:]
        act[...] = sigmoid_array(a)
        g = act[:, 2 * hidden:3 * hidden]
        np.tanh(a[:, 2 * hidden:3 * hidden], out=g)
        i, f, o = act[:, :hidden], act[:, hidden:2 * hidden], act[:, 3 * hidden:]
        c_new = out[:, n_h:n_h + hidden]
        np.multiply(f, c, out=c_new)
        c_new += i * g
        hr = o * np.tanh(c_new)
        out[:, :n_h] = hr if w_hr is None else hr @ w_hr.T
        return out[:, :n_h], c_new

    @staticmethod
    def factors(grad, row, prev):
        g_h, g_c, g_act = grad
        _, c, act = row
        hidden = c.shape[1]
        i, f, g, o = (_cols(act, k * hidden, (k + 1) * hidden) for k in range(4))
        tc = c.tanh()
        squared = act * act
        slope = where(_tanh_columns(act), 1 - squared, act - squared)
        g_c, g_act = _unless_zero(g_c), _unless_zero(g_act)  # (c' is read only at the final step, if at all)
        return [g_h, g_c, o * (1 - tc * tc),           # dc' per unit of dhr
                cat([g, prev[1], i, tc], 1) * slope,  # da per unit of [dc', dc', dc', dhr]
                None if g_act is None else g_act * slope,  # da from the gates' own gradient
                f]

    @staticmethod
    def backward(factors, carry, w_hh, w_hr):
        g_h, g_c, dc_per_dhr, da_per_d, da_own, f = factors
        dh = carry[0] + g_h
        dhr = dh if w_hr is None else _mm(dh, w_hr)
        dc = _plus(carry[1] + dhr * dc_per_dhr, g_c)
        da = _plus(_join([dc, dc, dc, dhr]) * da_per_d, da_own)
        return da, da, dh, (_mm(da, w_hh), dc * f)


def _tanh_columns(act):
    """A mask of the ``g`` block of an LSTM's ``[i, f, g, o]`` activations (tanh, not sigmoid)."""
    hidden = act.shape[1] // 4
    mask = np.zeros(act.shape[1], dtype=bool, like=act._data)
    mask[2 * hidden:3 * hidden] = True
    return Tensor._wrap(mask)


class GRUStep:
    """GRU cell, gates in torch's order ``r, z, n`` (reset, update, new)::

        r = sigmoid(a_r)   z = sigmoid(a_z)
        n = tanh(x W_in^T + b_in + r * hn),   hn = h W_hn^T + b_hn
        h' = (1 - z) * n + z * h

    Output row: ``[h', r, z, n, hn]``. Backward, with ``sigmoid' = s (1 - s)``, ``tanh' = 1 - t^2``::

        dan = dh' (1 - z) tanh'(n)             (the pre-activation of n)
        d[a_r, a_z] = [dan hn, dh' (h - n)] * sigmoid'(r, z)
        d(x side) = [da_r, da_z, dan]          d(h side) = [da_r, da_z, dan r]
        dh = dh' z + d(h side) W_hh
    """

    gates = 3
    states = 1

    @staticmethod
    def widths(hidden, proj):
        return (hidden, 2 * hidden, hidden, hidden)

    @staticmethod
    def forward(xa, state, w_hh, b_hh, w_hr, out):
        h, = state
        hidden = h.shape[1]
        gh = h @ w_hh.T
        if b_hh is not None:
            gh += b_hh
        rz = out[:, hidden:3 * hidden]
        gh[:, :2 * hidden] += xa[:, :2 * hidden]
        rz[...] = sigmoid_array(gh[:, :2 * hidden])
        hn = out[:, 4 * hidden:]
        hn[...] = gh[:, 2 * hidden:]
        n = out[:, 3 * hidden:4 * hidden]
        np.tanh(xa[:, 2 * hidden:] + rz[:, :hidden] * hn, out=n)
        out[:, :hidden] = n + rz[:, hidden:] * (h - n)
        return (out[:, :hidden],)

    @staticmethod
    def factors(grad, row, prev):
        g_h, g_rz, g_n, g_hn = grad
        _, rz, n, hn = row
        hidden = n.shape[1]
        r, z = _cols(rz, 0, hidden), _cols(rz, hidden, 2 * hidden)
        sigmoid_slope, tanh_slope = rz * (1 - rz), 1 - n * n
        g_n, g_rz, g_hn = _unless_zero(g_n), _unless_zero(g_rz), _unless_zero(g_hn)
        return [g_h, (1 - z) * tanh_slope, None if g_n is None else g_n * tanh_slope,  # dan = dh' * [1] + [2]
                cat([hn, prev[0] - n], 1) * sigmoid_slope,  # d[a_r, a_z] per unit of [dan, dh']
                None if g_rz is None else g_rz * sigmoid_slope,  # ... from r, z's own gradient
                r, g_hn, z]

    @staticmethod
    def backward(factors, carry, w_hh, w_hr):
        g_h, dan_per_dh, dan_own, drz_per_d, drz_own, r, g_hn, z = factors
        dh = carry[0] + g_h
        dan = _plus(dh * dan_per_dh, dan_own)
        drz = _plus(_join([dan, dh]) * drz_per_d, drz_own)
        da_h = _join([drz, _plus(dan * r, g_hn)])
        return _join([drz, dan]), da_h, dh, (dh * z + _mm(da_h, w_hh),)


# --- the time loop -------------------------------------------------------------------------------
def _offsets(batch_sizes):
    """Row where each step's block starts in the packed (time-major) layout."""
    return np.cumsum((0,) + tuple(batch_sizes[:-1])).tolist()


def _step_order(batch_sizes, reverse):
    steps = range(len(batch_sizes))
    return steps[::-1] if reverse else steps


def _row_positions(batch_sizes, like):
    """For each packed row: its step t and its sequence b (arrays of length sum(batch_sizes))."""
    sizes = np.asarray(batch_sizes, dtype=np.int64, like=like)
    t = np.repeat(np.arange(len(batch_sizes), like=like), sizes)
    starts = np.cumsum(sizes) - sizes
    return t, np.arange(int(sizes.sum()), like=like) - starts[t], sizes, starts


def previous_rows(batch_sizes, reverse, like):
    """Row of each packed row's previous state: the same sequence one step earlier in the walk,
    or ``N + b`` (row b of the initial state, stacked under the N output rows) at its start."""
    t, b, sizes, starts = _row_positions(batch_sizes, like)
    total = len(t)
    if not reverse:
        prev_t = np.maximum(t - 1, 0)
        return np.where(t > 0, starts[prev_t] + b, total + b)
    nxt = np.minimum(t + 1, len(batch_sizes) - 1)
    has_next = (t + 1 < len(batch_sizes)) & (b < sizes[nxt])
    return np.where(has_next, starts[nxt] + b, total + b)


def final_rows(batch_sizes, reverse, like):
    """Row of each sequence's last step in the walk (its final state): the step where it ends
    (forward), or step 0 (reverse)."""
    batch = batch_sizes[0]
    b = np.arange(batch, like=like)
    if reverse:
        return b
    _, _, sizes, starts = _row_positions(batch_sizes, like)
    last = (sizes[None, :] > b[:, None]).sum(1) - 1
    return starts[last] + b


class RecurrentLayer(BuiltinFunction):
    """Y = one direction of one layer over a packed sequence (see Note [one op per layer]).

    Inputs: ``xa`` (N, G*H) the input half of the gate pre-activations for all N packed rows,
    ``h0`` (B, P) and ``c0`` (B, H) (LSTM only, else None) the initial states, ``w_hh`` (G*H, P),
    ``b_hh`` (G*H) or None, ``w_hr`` (P, H) or None (LSTM proj_size); ``step`` the cell,
    ``batch_sizes`` a tuple of ints, ``reverse`` the direction. Output (N, sum(step.widths)):
    each row is the cell's output row at that step (new state first, then gate activations)."""

    _name = "RecurrentLayerBackward0"

    @staticmethod
    def forward(ctx, xa, h0, c0, w_hh, b_hh, w_hr, step, batch_sizes, reverse):
        x = xa._data
        state = [h0._data] if c0 is None else [h0._data, c0._data]
        weights = [None if w is None else w._data for w in (w_hh, b_hh, w_hr)]
        hidden = w_hh.shape[0] // step.gates
        out = np.empty_like(x, shape=(x.shape[0], sum(step.widths(hidden, h0.shape[1]))))
        offsets = _offsets(batch_sizes)
        for t in _step_order(batch_sizes, reverse):
            n, start = batch_sizes[t], offsets[t]
            rows = slice(start, start + n)
            new = step.forward(x[rows], [s[:n] for s in state], *weights, out[rows])
            # Rows past n: sequences already finished (forward) or not yet started (reverse).
            state = [v if n == len(s) else np.concatenate([v, s[n:]]) for s, v in zip(state, new)]
        ctx.save_for_backward(h0, c0, w_hh, b_hh, w_hr)
        ctx.save_output(out)
        ctx.step, ctx.batch_sizes, ctx.reverse = step, batch_sizes, reverse
        return out

    @staticmethod
    def backward(ctx, grad):
        h0, c0, w_hh, b_hh, w_hr = ctx.saved_tensors
        y, step, batch_sizes = ctx.output, ctx.step, ctx.batch_sizes
        hidden, batch = w_hh.shape[0] // step.gates, batch_sizes[0]
        widths = step.widths(hidden, h0.shape[1])
        bounds = np.cumsum((0,) + widths).tolist()
        grad_blocks = [_cols(grad, a, b) for a, b in zip(bounds, bounds[1:])]
        row_blocks = [_cols(y, a, b) for a, b in zip(bounds, bounds[1:])]
        # The state each row started from: the previous row of its sequence, or the initial state.
        init = h0 if c0 is None else cat([h0, c0], 1)
        before = _part(cat([_cols(y, 0, bounds[step.states]), init]),
                       previous_rows(batch_sizes, ctx.reverse, like=y._data))
        prev_blocks = [_cols(before, a, b) for a, b in zip(bounds, bounds[1:step.states + 1])]
        factors = step.factors(grad_blocks, row_blocks, prev_blocks)
        carry = [Tensor._wrap(np.zeros_like(s._data)) for s in ((h0,) if c0 is None else (h0, c0))]
        d_x, d_h, d_out = [], [], []
        offsets = _offsets(batch_sizes)
        for t in reversed(_step_order(batch_sizes, ctx.reverse)):
            n, start = batch_sizes[t], offsets[t]
            active = [c if n == batch else _rows(c, 0, n) for c in carry]
            rows = [None if f is None else _rows(f, start, start + n) for f in factors]
            dx, dh_gates, dh_out, d_prev = step.backward(rows, active, w_hh, w_hr)
            carry = [d if n == batch else cat([d, _rows(c, n, batch)]) for d, c in zip(d_prev, carry)]
            d_x.append(dx)
            d_h.append(dh_gates)
            d_out.append(dh_out)
        if not ctx.reverse:  # collected from the last step back: put the rows in time order
            d_x, d_h, d_out = d_x[::-1], d_h[::-1], d_out[::-1]
        same = d_x[0] is d_h[0]  # RNN and LSTM: the x side and the h side share the gradient
        d_h = cat(d_h)
        d_x = d_h if same else cat(d_x)
        grad_w_hh = d_h.mT @ prev_blocks[0]
        grad_b_hh = d_h.sum(0) if b_hh is not None else None
        grad_w_hr = None
        if w_hr is not None:  # h' = hr W_hr^T with hr = o * tanh(c')
            hr = _cols(row_blocks[2], 3 * hidden, 4 * hidden) * row_blocks[1].tanh()
            grad_w_hr = cat(d_out).mT @ hr
        return (d_x, carry[0], carry[1] if c0 is not None else None, grad_w_hh, grad_b_hh, grad_w_hr,
                None, None, None)


def recurrent_layer(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, step, batch_sizes, reverse):
    """One direction of one layer over packed rows ``x`` (N, input_size).

    Returns ``(output (N, P), h_n (B, P), c_n (B, H) or None)``: the per-row hidden states and
    each sequence's final state."""
    y = RecurrentLayer.apply(linear(x, w_ih, b_ih), h0, c0, w_hh, b_hh, w_hr, step, tuple(batch_sizes), reverse)
    n_h = h0.shape[1]
    if len(set(batch_sizes)) == 1:  # equal lengths: the final states are one block of rows
        batch = batch_sizes[0]
        last = slice(0, batch) if reverse else slice(len(y) - batch, len(y))
    else:
        last = final_rows(batch_sizes, reverse, like=y._data)
    h_n = y[last, :n_h]
    c_n = y[last, n_h:n_h + c0.shape[1]] if c0 is not None else None
    return y[:, :n_h], h_n, c_n

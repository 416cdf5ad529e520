"""Variable-length sequences for the recurrent layers, as ``torch.nn.utils.rnn``.

A batch of sequences of lengths, say, 3, 2 and 1 can be *padded* to a (T, B, *) tensor, or
*packed*: the rows of all sequences at step 0, then at step 1, ... , with ``batch_sizes`` how
many sequences are still running at each step (here ``[3, 2, 1]``). Packing needs the sequences
sorted longest first; ``sorted_indices`` records the sort and ``unsorted_indices`` undoes it.
The recurrent layers then never compute on padding, and each sequence's final state is taken at
its own last step.

Each conversion is a gather of rows by an index computed from the lengths, so gradients flow
back through ordinary indexing ops.
"""
from typing import NamedTuple, Optional

import numpy as np

from ...dtypes import float32, float64
from ...factories import full, tensor
from ...ops.shape import cat, stack
from ...tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Optional[Tensor]
    unsorted_indices: Optional[Tensor]


class PackedSequence(PackedSequence_):
    """``data`` (sum of lengths, *) the packed rows, ``batch_sizes`` (int64, one per step),
    ``sorted_indices``/``unsorted_indices`` (int64 or None): the permutation from the caller's batch
    order to the sorted one and back. Made by ``pack_padded_sequence`` / ``pack_sequence``."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """Convert ``data`` (dtype and/or device); the indices follow its device."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        move = (lambda t: None if t is None else t.to(data.device))
        return type(self)(data, self.batch_sizes, move(self.sorted_indices), move(self.unsorted_indices))

    def double(self):
        return self.to(dtype=float64)

    def float(self):
        return self.to(dtype=float32)

    @property
    def is_cuda(self):
        return self.data.is_cuda


def invert_permutation(permutation):
    """The inverse permutation (``None`` stays ``None``)."""
    if permutation is None:
        return None
    order = permutation._data
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order), like=order)
    return Tensor._wrap(inverse)


def _lengths_list(lengths):
    return [int(n) for n in (lengths.tolist() if isinstance(lengths, Tensor) else lengths)]


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):  # noqa: A002
    """Pack a padded (T, B, *) (or (B, T, *) with ``batch_first``) batch of sequences of the given
    ``lengths``. With ``enforce_sorted`` the lengths must already decrease; otherwise the batch
    is sorted here (stably, longest first) and the permutation kept in the result.

    Raises RuntimeError for unsorted lengths (with enforce_sorted), a length <= 0, or a number of
    lengths different from the batch size."""
    lengths = _lengths_list(lengths)
    sorted_indices = None
    if not enforce_sorted:
        order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
        sorted_indices = tensor(order, device=input.device)
        lengths = [lengths[i] for i in order]
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    batch = input.shape[0 if batch_first else 1]
    if len(lengths) != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lengths)} "
                           f"(batch_size={batch})")
    if any(a < b for a, b in zip(lengths, lengths[1:])):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                           "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep "
                           "this requirement if you do not need ONNX exportability.")
    if lengths and lengths[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    batch_sizes = [sum(n > t for n in lengths) for t in range(lengths[0])]
    like = input._data
    steps = np.repeat(np.arange(len(batch_sizes), like=like), batch_sizes)
    seqs = np.concatenate([np.arange(n, like=like) for n in batch_sizes])
    data = input[(seqs, steps) if batch_first else (steps, seqs)]
    return PackedSequence(data, tensor(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo ``pack_padded_sequence``: ``(padded (T, B, *) or (B, T, *), lengths)``, in the caller's
    original batch order. ``total_length`` pads to that many steps (ValueError if too short)."""
    batch_sizes = sequence.batch_sizes.tolist()
    steps = len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {steps}")
        steps = total_length
    data = sequence.data
    batch = batch_sizes[0]
    # Row of each padded position (t, b) in [data; padding row]: the padding row is row N.
    offsets = np.cumsum([0] + batch_sizes[:-1]).tolist()
    index = np.full((steps, batch), data.shape[0], dtype=np.int64, like=data._data)
    for t, n in enumerate(batch_sizes):
        index[t, :n] = offsets[t] + np.arange(n, like=data._data)
    padding = full((1, *data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    rows = cat([data, padding])
    padded = rows[index.T if batch_first else index]
    lengths = tensor([sum(n > b for n in batch_sizes) for b in range(batch)])
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices.cpu()]
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences of shape (L_i, *) into (T, B, *) (or (B, T, *)), padding each to the longest
    with ``padding_value`` on the ``padding_side`` ('right' or 'left')."""
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    sequences = list(sequences)
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        missing = longest - s.shape[0]
        if missing:
            pad = full((missing, *s.shape[1:]), padding_value, dtype=s.dtype, device=s.device)
            s = cat([s, pad] if padding_side == "right" else [pad, s])
        padded.append(s)
    return stack(padded, 0 if batch_first else 1)


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences (L_i, *): ``pack_padded_sequence(pad_sequence(sequences), lengths)``."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into the list of its sequences, each cut to its length."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:n] for seq, n in zip(padded_sequences, _lengths_list(lengths))]


def unpack_sequence(packed_sequences):
    """Split a PackedSequence back into the list of its sequences."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)

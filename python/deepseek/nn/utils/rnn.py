"""Variable-length sequences for recurrent layers: PackedSequence, pack_padded_sequence,
pad_packed_sequence, pad_sequence, pack_sequence (PyTorch's layout and rules).

A PackedSequence holds the time steps of a batch of sequences back to back, longest first:
`data` is [sum of lengths, *], and batch_sizes[t] says how many sequences are still running
at step t. sorted_indices / unsorted_indices map between the caller's batch order and the
longest-first order (None when the caller's batch was already sorted). Everything here is
made of differentiable ops, so gradients flow through packing and padding.
"""
from collections import namedtuple

from deepseek import _C

__all__ = ["PackedSequence", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "pack_sequence", "unpad_sequence", "unpack_sequence"]


def _int64(values, device=None):
    from deepseek._factories import tensor
    return tensor(list(values), dtype=_C.int64, device=device)


class PackedSequence(namedtuple("PackedSequence",
                                ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _invert(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        device = data.device
        move = (lambda t: None if t is None else t.to(device))
        return type(self)(data, self.batch_sizes, move(self.sorted_indices),
                          move(self.unsorted_indices))

    def cpu(self):
        return self.to("cpu")

    def cuda(self, *args, **kwargs):
        return self.to("cuda")

    def double(self):
        return self.to(_C.float64)

    def float(self):
        return self.to(_C.float32)

    @property
    def is_cuda(self):
        return self.data.device.type == "cuda"

    def is_pinned(self):
        return False


def _invert(permutation):
    inverse = [0] * permutation.shape[0]
    for position, index in enumerate(permutation.tolist()):
        inverse[index] = position
    return _int64(inverse, permutation.device)


def _lengths_list(lengths):
    if isinstance(lengths, _C.Tensor):
        if lengths.dim() != 1:
            raise RuntimeError(f"lengths must be a 1D tensor, got {lengths.dim()}D")
        return [int(n) for n in lengths.tolist()]
    return [int(n) for n in lengths]


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Packs a padded batch [T, B, *] ([B, T, *] when batch_first) given each sequence's
    length."""
    lengths = _lengths_list(lengths)
    if batch_first:
        input = input.transpose(0, 1)
    if len(lengths) != input.shape[1]:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(lengths)} (batch_size={input.shape[1]})")
    sorted_indices = None
    if enforce_sorted:
        if any(a < b for a, b in zip(lengths, lengths[1:])):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                               "`enforce_sorted` is True. You can pass `enforce_sorted=False` "
                               "to pack_padded_sequence and/or pack_sequence to sidestep this "
                               "requirement if you do not need ONNX exportability.")
    else:
        order = sorted(range(len(lengths)), key=lambda i: -lengths[i])  # stable, as torch
        sorted_indices = _int64(order, input.device)
        input = input.index_select(1, sorted_indices)
        lengths = [lengths[i] for i in order]
    if lengths and lengths[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if lengths and lengths[0] > input.shape[0]:
        raise RuntimeError(f"Expected sequence length to be at most {input.shape[0]}, but got "
                           f"a length of {lengths[0]}")
    steps = lengths[0] if lengths else 0
    batch_sizes = [sum(1 for n in lengths if n > t) for t in range(steps)]
    data = _C.cat([input[t, :batch_sizes[t]] for t in range(steps)], 0)
    return PackedSequence(data, _int64(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """The padded batch [T, B, *] ([B, T, *] when batch_first) in the caller's batch order,
    and each sequence's length (an int64 tensor)."""
    data, batch_sizes = sequence.data, [int(n) for n in sequence.batch_sizes.tolist()]
    steps, batch = len(batch_sizes), (batch_sizes[0] if batch_sizes else 0)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {steps}")
        steps_out = total_length
    else:
        steps_out = steps
    feature = list(data.shape[1:])
    rows, offset = [], 0
    for t in range(steps_out):
        n = batch_sizes[t] if t < steps else 0
        part = data.narrow(0, offset, n) if n else None
        offset += n
        if n < batch:
            pad = _filled([batch - n] + feature, padding_value, data)
            part = pad if part is None else _C.cat([part, pad], 0)
        rows.append(part)
    padded = _C.stack(rows, 0)
    lengths = [sum(1 for n in batch_sizes if n > b) for b in range(batch)]
    lengths_tensor = _int64(lengths)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices)
        lengths_tensor = lengths_tensor.index_select(0, sequence.unsorted_indices.cpu())
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, lengths_tensor


def _filled(shape, value, like):
    from deepseek._factories import full
    return full(tuple(shape), value, dtype=like.dtype, device=like.device)


def pad_sequence(sequences, batch_first=False, padding_value=0.0):
    """[T_max, B, *] ([B, T_max, *] when batch_first) from B tensors [T_i, *]."""
    if isinstance(sequences, _C.Tensor):
        sequences = list(sequences.unbind(0))
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        if s.shape[0] < longest:
            pad = _filled([longest - s.shape[0]] + list(s.shape[1:]), padding_value, s)
            s = _C.cat([s, pad], 0)
        padded.append(s)
    return _C.stack(padded, 0 if batch_first else 1)


def pack_sequence(sequences, enforce_sorted=True):
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[i, :n] for i, n in enumerate(_lengths_list(lengths))]


def unpack_sequence(packed_sequences):
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


def pack_like(padded, template):
    """Packs a [T, B, *] batch in the caller's order with template's batch sizes and order
    (what a recurrent layer returns for packed input)."""
    batch_sizes = [int(n) for n in template.batch_sizes.tolist()]
    if template.sorted_indices is not None:
        padded = padded.index_select(1, template.sorted_indices)
    data = _C.cat([padded[t, :n] for t, n in enumerate(batch_sizes)], 0)
    return PackedSequence(data, template.batch_sizes, template.sorted_indices,
                          template.unsorted_indices)

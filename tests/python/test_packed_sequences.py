"""nn.utils.rnn (pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence) and
RNN/LSTM/GRU on PackedSequence input, against PyTorch 1.13 in float64: packed data, batch
sizes and indices; outputs, final states and gradients."""
import numpy as np
import pytest
import torch

import deepseek as ds
import deepseek.nn as nn
from deepseek.nn.utils import rnn as R

RNG = np.random.default_rng(17)
LENGTHS = [3, 5, 1, 4]  # unsorted
SEQS = [RNG.standard_normal((n, 3)) for n in LENGTHS]


def _padded(lib):
    return lib.nn.utils.rnn.pad_sequence([lib.tensor(s) for s in SEQS])


def test_pad_and_pack_match_torch():
    for batch_first in (False, True):
        ours = R.pad_sequence([ds.tensor(s) for s in SEQS], batch_first, -1.0)
        theirs = torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in SEQS], batch_first,
                                                 -1.0)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    ours = R.pack_padded_sequence(_padded(ds), LENGTHS, enforce_sorted=False)
    theirs = torch.nn.utils.rnn.pack_padded_sequence(_padded(torch), LENGTHS,
                                                     enforce_sorted=False)
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    assert ours.batch_sizes.tolist() == theirs.batch_sizes.tolist()
    assert ours.sorted_indices.tolist() == theirs.sorted_indices.tolist()
    assert ours.unsorted_indices.tolist() == theirs.unsorted_indices.tolist()
    padded, lengths = R.pad_packed_sequence(ours, batch_first=True, total_length=6)
    want, want_lengths = torch.nn.utils.rnn.pad_packed_sequence(theirs, batch_first=True,
                                                                total_length=6)
    np.testing.assert_array_equal(padded.numpy(), want.numpy())
    assert lengths.tolist() == want_lengths.tolist()
    sorted_seqs = sorted(SEQS, key=len, reverse=True)
    packed = R.pack_sequence([ds.tensor(s) for s in sorted_seqs])
    assert packed.sorted_indices is None
    assert [t.shape[0] for t in R.unpack_sequence(packed)] == [5, 4, 3, 1]


def _pair(kind, **kwargs):
    ours = getattr(nn, kind)(3, 4, **kwargs).double()
    theirs = getattr(torch.nn, kind)(3, 4, **kwargs).double()
    theirs.load_state_dict({k: torch.tensor(v.detach().numpy())
                            for k, v in ours.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("options", [dict(), dict(num_layers=2, bidirectional=True),
                                     dict(batch_first=True)])
@pytest.mark.parametrize("enforce_sorted", [False, True])
def test_recurrent_layers_on_packed_input_match_torch(kind, options, enforce_sorted):
    ours, theirs = _pair(kind, **options)
    seqs = sorted(SEQS, key=len, reverse=True) if enforce_sorted else SEQS
    lengths = [len(s) for s in seqs]
    batch_first = options.get("batch_first", False)
    results = []
    for lib, module in ((ds, ours), (torch, theirs)):
        leaves = [lib.tensor(s).requires_grad_() for s in seqs]
        padded = lib.nn.utils.rnn.pad_sequence(leaves, batch_first)
        packed = lib.nn.utils.rnn.pack_padded_sequence(padded, lengths, batch_first,
                                                       enforce_sorted)
        output, state = module(packed)
        out, out_lengths = lib.nn.utils.rnn.pad_packed_sequence(output, batch_first)
        states = state if isinstance(state, tuple) else (state,)
        loss = (out ** 2).sum() + sum((s ** 3).sum() for s in states)
        loss.backward()
        results.append((out.detach().numpy(), [s.detach().numpy() for s in states],
                        [leaf.grad.numpy() for leaf in leaves],
                        [p.grad.numpy() for p in module.parameters()], out_lengths.tolist()))
    (o1, s1, g1, p1, l1), (o2, s2, g2, p2, l2) = results
    assert l1 == l2
    np.testing.assert_allclose(o1, o2, rtol=1e-10, atol=1e-12)
    for a, b in zip(s1 + g1 + p1, s2 + g2 + p2):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_errors_match_torch():
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        R.pack_padded_sequence(_padded(ds), LENGTHS)
    with pytest.raises(RuntimeError, match="greater than 0"):
        R.pack_padded_sequence(_padded(ds), [5, 4, 3, 0])
    with pytest.raises(ValueError, match="total_length to be at least"):
        R.pad_packed_sequence(R.pack_padded_sequence(_padded(ds), LENGTHS,
                                                     enforce_sorted=False), total_length=2)

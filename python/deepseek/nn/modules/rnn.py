"""Recurrent layers: RNN, LSTM, GRU and their single-step cells.

PyTorch's arguments, parameter names (weight_ih_l{k}[_reverse], weight_hh_l{k}, bias_ih_l{k},
bias_hh_l{k}, weight_hr_l{k} for LSTM projections), gate layouts (LSTM i, f, g, o; GRU
r, z, n), U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) init, shapes and return values.

The recurrence runs in Python over time steps, built from differentiable ops: the input
projection of a whole layer is one GEMM over all steps, each step adds one hidden-state
GEMM and a few elementwise ops. PackedSequence inputs are not supported.
"""
import math
import numbers
import warnings

from deepseek import _C
from deepseek._C import Tensor
from deepseek.nn import functional as F
from deepseek.nn import init
from deepseek.nn.modules.module import Module
from deepseek.nn.parameter import Parameter
from deepseek.nn.utils import rnn as rnn_utils

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


# ------------------------------------------------------------------------ one time step

def _lstm_step(input_gates, h, c, w_hh, b_hh, w_hr=None):
    """input_gates = x @ w_ih.T + b_ih ([N, 4H], gates i, f, g, o) -> (h', c')."""
    gates = input_gates + F.linear(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, 1)
    c = F.sigmoid(f) * c + F.sigmoid(i) * F.tanh(g)
    h = F.sigmoid(o) * F.tanh(c)
    if w_hr is not None:
        h = F.linear(h, w_hr)
    return h, c


def _gru_step(input_gates, h, w_hh, b_hh):
    """input_gates = x @ w_ih.T + b_ih ([N, 3H], gates r, z, n) -> h'."""
    i_r, i_z, i_n = input_gates.chunk(3, 1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, 1)
    r = F.sigmoid(i_r + h_r)
    z = F.sigmoid(i_z + h_z)
    n = F.tanh(i_n + r * h_n)
    return n + z * (h - n)  # (1 - z) * n + z * h


def _rnn_step(input_gates, h, w_hh, b_hh, nonlinearity):
    pre = input_gates + F.linear(h, w_hh, b_hh)
    return F.tanh(pre) if nonlinearity == "tanh" else F.relu(pre)


def _step_mask(steps, lengths, device):
    """[T, N, 1] bool: True where sequence n has a step t."""
    from deepseek._factories import arange
    t = arange(steps, device=device).reshape(-1, 1, 1)
    return t < lengths.to(device).reshape(1, -1, 1)


def _check_positive_int(value, name):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be greater than zero")


def _check_dtype(name, input, weight):
    if input.dtype != weight.dtype:
        raise RuntimeError(f"{name}: input must have the type {weight.dtype}, got type "
                           f"{input.dtype}")


def _weight_suffix(layer, direction):
    """"_l0", "_l0_reverse": how PyTorch names a layer's and direction's weights."""
    return f"_l{layer}" + ("_reverse" if direction == 1 else "")


def _init_uniform_by_hidden_size(module):
    """PyTorch's default for recurrent layers and cells: every weight and bias drawn from
    U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
    stdv = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    for weight in module.parameters():
        init.uniform_(weight, -stdv, stdv)


# ----------------------------------------------------------------------------- full layers

class RNNBase(Module):
    """Parameters, checks and the layer/direction loop shared by RNN, LSTM and GRU."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        if (not isinstance(dropout, numbers.Number) or isinstance(dropout, bool)
                or not 0 <= dropout <= 1):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}")
        _check_positive_int(hidden_size, "hidden_size")
        _check_positive_int(num_layers, "num_layers")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if isinstance(device, str):
            device = _C.device(device)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        gate_size = _GATES[mode] * hidden_size

        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else real_hidden * num_directions
            for direction in range(num_directions):
                suffix = _weight_suffix(layer, direction)
                shapes = [("weight_ih", [gate_size, layer_input]),
                          ("weight_hh", [gate_size, real_hidden])]
                if bias:
                    shapes += [("bias_ih", [gate_size]), ("bias_hh", [gate_size])]
                if proj_size > 0:
                    shapes.append(("weight_hr", [proj_size, hidden_size]))
                names = []
                for stem, shape in shapes:
                    setattr(self, stem + suffix,
                            Parameter(_C._empty(shape, dtype, device, False)))
                    names.append(stem + suffix)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        _init_uniform_by_hidden_size(self)

    def flatten_parameters(self):
        """PyTorch packs weights for cuDNN here; deepseek keeps them separate (a no-op)."""

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def _layer_weights(self, layer, direction):
        """(w_ih, w_hh, b_ih, b_hh, w_hr) of one layer and direction (None when absent)."""
        suffix = _weight_suffix(layer, direction)
        return tuple(getattr(self, stem + suffix, None)
                     for stem in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"))

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ---- forward ----

    def _name(self):
        return type(self).__name__

    def _check_input(self, input):
        if not isinstance(input, Tensor):
            raise TypeError(f"{self._name()}: input must be a Tensor or a PackedSequence, got "
                            f"{type(input).__name__}")
        if input.dim() not in (2, 3):
            raise ValueError(f"{self._name()}: Expected input to be 2-D or 3-D but received "
                             f"{input.dim()}-D tensor")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{self._name()}: input.size(-1) must be equal to input_size. "
                               f"Expected {self.input_size}, got {input.shape[-1]}")
        _check_dtype(self._name(), input, self.weight_ih_l0)

    def _check_hidden(self, hx, expected, label, batched):
        if hx.dim() != (3 if batched else 2):
            kind = "batched 3-D" if batched else "unbatched 2-D"
            raise RuntimeError(f"{self._name()}: for {kind} input, {label} should be "
                               f"{len(expected)}-D but got {hx.dim()}-D tensor")
        if list(hx.shape) != expected:
            raise RuntimeError(f"{self._name()}: Expected {label} size {tuple(expected)}, got "
                               f"{list(hx.shape)}")

    def _zeros(self, shape, input):
        return _C._zeros(shape, input.dtype, input.device, False)

    def _run(self, input, hx, mask=None):
        """input [T, N, I] (time-major, batched); hx a tuple of [L*D, N, *] states; mask
        [T, N, 1] (True where a sequence has a step t) for padded variable-length input.
        Returns (last layer's output [T, N, D*H_out], final states stacked like hx)."""
        num_directions = 2 if self.bidirectional else 1
        finals = [[] for _ in hx]
        layer_input = input
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(num_directions):
                index = layer * num_directions + direction
                states = tuple(h[index] for h in hx)
                out, last = self._scan(layer_input, layer, direction, states, mask)
                outputs.append(out)
                for store, state in zip(finals, last):
                    store.append(state)
            layer_input = outputs[0] if num_directions == 1 else _C.cat(outputs, 2)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, tuple(_C.stack(store, 0) for store in finals)

    def _scan(self, input, layer, direction, states, mask=None):
        """One direction of one layer over all time steps. With a mask, a sequence's states
        stand still (and its outputs are 0) past its end, so the forward direction ends on
        each sequence's last step and the reverse one starts there."""
        w_ih, w_hh, b_ih, b_hh, w_hr = self._layer_weights(layer, direction)
        input_gates = F.linear(input, w_ih, b_ih)  # all steps in one GEMM
        steps = range(input.shape[0])
        outputs = [None] * input.shape[0]
        for t in (reversed(steps) if direction == 1 else steps):
            new = self._cell(input_gates[t], states, w_hh, b_hh, w_hr)
            if mask is None:
                states = new
                outputs[t] = new[0]
            else:
                states = tuple(_C.where(mask[t], n, old) for n, old in zip(new, states))
                outputs[t] = _C.where(mask[t], new[0], new[0] * 0)
        return _C.stack(outputs, 0), states

    def forward(self, input, hx=None):
        packed = None
        if isinstance(input, rnn_utils.PackedSequence):
            # Run on the padded batch in the caller's order, freezing each sequence's states
            # past its end; hx and the final states are in the caller's order, as in torch.
            packed = input
            input, lengths = rnn_utils.pad_packed_sequence(packed)
            mask = _step_mask(input.shape[0], lengths, input.device)
        self._check_input(input)
        if packed is not None:
            return self._forward_packed(packed, input, mask, hx)
        batched = input.dim() == 3
        if not batched:
            input = input.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        batch = input.shape[1]
        num_directions = 2 if self.bidirectional else 1
        expected = self._state_shapes(self.num_layers * num_directions, batch)
        if hx is None:
            hx = tuple(self._zeros(shape, input) for shape in expected)
        else:
            hx = self._as_state_tuple(hx)
            for state, shape, label in zip(hx, expected, self._state_labels()):
                self._check_hidden(state, shape if batched else [shape[0], shape[2]], label,
                                   batched)
                _check_dtype(self._name(), state, self.weight_ih_l0)
            if not batched:
                hx = tuple(h.unsqueeze(1) for h in hx)
        output, finals = self._run(input, hx)
        if not batched:
            output = output.squeeze(1)
            finals = tuple(h.squeeze(1) for h in finals)
        elif self.batch_first:
            output = output.transpose(0, 1)
        return output, self._pack_states(finals)

    def _forward_packed(self, packed, input, mask, hx):
        num_directions = 2 if self.bidirectional else 1
        expected = self._state_shapes(self.num_layers * num_directions, input.shape[1])
        if hx is None:
            hx = tuple(self._zeros(shape, input) for shape in expected)
        else:
            hx = self._as_state_tuple(hx)
            for state, shape, label in zip(hx, expected, self._state_labels()):
                self._check_hidden(state, shape, label, True)
        output, finals = self._run(input, hx, mask)
        return rnn_utils.pack_like(output, packed), self._pack_states(finals)

    # Subclasses describe their hidden state: one tensor (RNN, GRU) or two (LSTM).
    def _state_shapes(self, layers, batch):
        return [[layers, batch, self.hidden_size]]

    def _state_labels(self):
        return ["hx"]

    def _as_state_tuple(self, hx):
        if not isinstance(hx, Tensor):
            raise TypeError(f"{self._name()}: hx must be a Tensor, got {type(hx).__name__}")
        return (hx,)

    def _pack_states(self, finals):
        return finals[0]


class RNN(RNNBase):
    """Elman RNN: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu)."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)

    def _cell(self, input_gates, states, w_hh, b_hh, w_hr):
        return (_rnn_step(input_gates, states[0], w_hh, b_hh, self.nonlinearity),)


class GRU(RNNBase):
    """Gated recurrent unit; returns (output, h_n)."""

    def __init__(self, *args, **kwargs):
        super().__init__("GRU", *args, **kwargs)

    def _cell(self, input_gates, states, w_hh, b_hh, w_hr):
        return (_gru_step(input_gates, states[0], w_hh, b_hh),)


class LSTM(RNNBase):
    """Long short-term memory; forward(input, (h_0, c_0)) returns (output, (h_n, c_n)).
    With proj_size > 0, h is projected by weight_hr_l{k} to proj_size features."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def _cell(self, input_gates, states, w_hh, b_hh, w_hr):
        return _lstm_step(input_gates, states[0], states[1], w_hh, b_hh, w_hr)

    def _state_shapes(self, layers, batch):
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        return [[layers, batch, real_hidden], [layers, batch, self.hidden_size]]

    def _state_labels(self):
        return ["hidden[0]", "hidden[1]"]

    def _as_state_tuple(self, hx):
        if not isinstance(hx, (tuple, list)) or len(hx) != 2 \
                or not all(isinstance(h, Tensor) for h in hx):
            raise TypeError(f"LSTM: hx must be a tuple (h_0, c_0) of two Tensors, got "
                            f"{type(hx).__name__}")
        return tuple(hx)

    def _pack_states(self, finals):
        return finals


# ----------------------------------------------------------------------------------- cells

class RNNCellBase(Module):
    """weight_ih [gates * H, I], weight_hh [gates * H, H], bias_ih, bias_hh; one time step."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        if isinstance(device, str):
            device = _C.device(device)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias

        def empty(*shape):
            return Parameter(_C._empty(list(shape), dtype, device, False))
        self.weight_ih = empty(num_chunks * hidden_size, input_size)
        self.weight_hh = empty(num_chunks * hidden_size, hidden_size)
        if bias:
            self.bias_ih = empty(num_chunks * hidden_size)
            self.bias_hh = empty(num_chunks * hidden_size)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        _init_uniform_by_hidden_size(self)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _prepare(self, input, hx, count):
        """Checks input ([N, I] or unbatched [I]) and hx; returns (batched input, states,
        batched) with zero states when hx is None."""
        name = type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: input must be a Tensor, got {type(input).__name__}")
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D "
                             "instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{name}: input has inconsistent input_size: got "
                               f"{input.shape[-1]} expected {self.input_size}")
        _check_dtype(name, input, self.weight_ih)
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if hx is None:
            zeros = _C._zeros([input.shape[0], self.hidden_size], input.dtype, input.device,
                              False)
            return input, (zeros,) * count, batched
        if count > 1 and not (isinstance(hx, (tuple, list)) and len(hx) == count):
            raise TypeError(f"{name}: hx must be a tuple of {count} Tensors, got "
                            f"{type(hx).__name__}")
        states = (hx,) if count == 1 else tuple(hx)
        for i, state in enumerate(states):
            if not isinstance(state, Tensor):
                raise TypeError(f"{name}: hx must be Tensors, got {type(state).__name__}")
            expected = [input.shape[0], self.hidden_size] if batched else [self.hidden_size]
            if list(state.shape) != expected:
                label = "hx" if count == 1 else f"hx[{i}]"
                raise RuntimeError(f"{name}: Expected {label} size {tuple(expected)}, got "
                                   f"{list(state.shape)}")
        if not batched:
            states = tuple(s.unsqueeze(0) for s in states)
        return input, states, batched


class RNNCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, (h,), batched = self._prepare(input, hx, 1)
        h = _rnn_step(F.linear(input, self.weight_ih, self.bias_ih), h, self.weight_hh,
                      self.bias_hh, self.nonlinearity)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """forward(input, (h, c)) -> (h', c')."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        input, (h, c), batched = self._prepare(input, hx, 2)
        h, c = _lstm_step(F.linear(input, self.weight_ih, self.bias_ih), h, c,
                          self.weight_hh, self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        input, (h,), batched = self._prepare(input, hx, 1)
        h = _gru_step(F.linear(input, self.weight_ih, self.bias_ih), h, self.weight_hh,
                      self.bias_hh)
        return h if batched else h.squeeze(0)

"""torch.save(model, f) / torch.load(f) for whole nn.Modules, without pickle: the module
comes back with its class, settings, parameters (tied ones still tied) and buffers, and
load rebuilds only classes it is allowed to (deepseek's own, the safe globals, or any
imported one with weights_only=False)."""
import collections
import io
import pickle

import numpy as np
import pytest

import deepseek as ds
import deepseek.nn as nn
import deepseek.nn.functional as F


class TiedLM(nn.Module):
    """A user model with the attributes real scripts keep on modules."""

    def __init__(self, vocab=11, width=6):
        super().__init__()
        self.encoder = nn.Embedding(vocab, width)
        self.rnn = nn.LSTM(width, width, 1)
        self.norm = nn.LayerNorm(width)
        self.decoder = nn.Linear(width, vocab)
        self.decoder.weight = self.encoder.weight  # weight tying
        self.blocks = nn.ModuleList([self.norm, nn.Dropout(0.5), self.norm])  # shared twice
        self.activation = F.relu
        self.settings = {"kernel": (3, 3), "names": {"a", "b"},
                         "order": collections.OrderedDict(z=1, a=2)}
        self.dtype_used, self.device_used = ds.float32, ds.device("cpu")
        self.register_buffer("steps", ds.tensor(7))

    def forward(self, tokens):
        out, _ = self.rnn(self.encoder(tokens))
        return self.decoder(self.activation(self.norm(out)))


def round_trip(obj, **load_kwargs):
    buffer = io.BytesIO()
    ds.save(obj, buffer)
    buffer.seek(0)
    return ds.load(buffer, **load_kwargs)


def test_a_whole_model_comes_back_and_trains():
    ds.manual_seed(0)
    model = TiedLM().eval()
    tokens = ds.randint(0, 11, (5, 2))
    with ds.serialization.safe_globals([TiedLM]):
        loaded = round_trip(model)
    assert type(loaded) is TiedLM and loaded is not model
    assert not loaded.training and not loaded.decoder.training
    np.testing.assert_array_equal(loaded(tokens).detach().numpy(),
                                  model(tokens).detach().numpy())
    assert loaded.state_dict().keys() == model.state_dict().keys()
    # Tied weights are one Parameter; a shared submodule is one module.
    assert loaded.decoder.weight is loaded.encoder.weight
    assert isinstance(loaded.decoder.weight, nn.Parameter) and loaded.decoder.weight.requires_grad
    assert loaded.blocks[0] is loaded.blocks[2] is loaded.norm
    assert len(list(loaded.parameters())) == len(list(model.parameters()))
    # Settings keep their types.
    assert loaded.activation is F.relu
    assert loaded.settings == {"kernel": (3, 3), "names": {"a", "b"}, "order": {"z": 1, "a": 2}}
    assert list(loaded.settings["order"]) == ["z", "a"]  # (a plain dict, order kept)
    assert isinstance(loaded._parameters, collections.OrderedDict)  # a module's own keep it
    assert isinstance(loaded.rnn._modules, collections.OrderedDict)
    assert loaded.dtype_used is ds.float32 and loaded.device_used == ds.device("cpu")
    assert loaded.steps.item() == 7 and "steps" in dict(loaded.named_buffers())
    # It trains, and its parameters are its own (the original does not move).
    before = model.decoder.bias.detach().clone()
    opt = ds.optim.SGD(loaded.parameters(), lr=0.5)
    loaded.train()
    F.cross_entropy(loaded(tokens).reshape(-1, 11), tokens.reshape(-1)).backward()
    opt.step()
    assert not ds.equal(loaded.decoder.bias, before)
    assert ds.equal(model.decoder.bias, before)


def test_modules_inside_containers_and_deepseek_classes_need_no_allow_list():
    seq = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten())
    loaded = round_trip({"model": seq, "epoch": 3})
    assert loaded["epoch"] == 3 and isinstance(loaded["model"], nn.Sequential)
    x = ds.randn(2, 1, 5, 5)
    seq.eval(), loaded["model"].eval()
    np.testing.assert_allclose(loaded["model"](x).detach().numpy(), seq(x).detach().numpy())


def test_a_class_not_allowed_is_refused_with_the_fix_named():
    buffer = io.BytesIO()
    ds.save(TiedLM(), buffer)
    buffer.seek(0)
    with pytest.raises(pickle.UnpicklingError,
                       match=r"test_save_modules.TiedLM.*add_safe_globals\(\[TiedLM\]\)"):
        ds.load(buffer)
    buffer.seek(0)
    assert type(ds.load(buffer, weights_only=False)) is TiedLM  # already imported: allowed


def test_what_cannot_be_saved_says_where_it_is():
    model = nn.Linear(2, 2)
    model.hook = lambda x: x
    with pytest.raises(TypeError, match=r"lambda.*\['model'\]\['hook'\]"):
        ds.save({"model": model}, io.BytesIO())
    with pytest.raises(ValueError, match="reserves"):
        ds.save({"__deepseek_object__": 1}, io.BytesIO())


def _checkpoint_naming(class_name):
    """A checkpoint (written below the tag checks) whose module claims to be `class_name`."""
    state = {"__deepseek_object__": {"class": class_name, "id": 0, "state": {"training": True}}}
    return io.BytesIO(ds._C._save_to_bytes(state))


def test_a_hostile_checkpoint_cannot_reach_arbitrary_callables():
    with pytest.raises(pickle.UnpicklingError, match="os.system.*not an allowed global"):
        ds.load(_checkpoint_naming("os:system"))
    # Even where any imported class is allowed, only nn.Module classes are rebuilt, and a
    # module that is not imported is never imported.
    with pytest.raises(ValueError, match="not an nn.Module class"):
        ds.load(_checkpoint_naming("os:system"), weights_only=False)
    with pytest.raises(pickle.UnpicklingError, match="not imported"):
        ds.load(_checkpoint_naming("antigravity:fly"), weights_only=False)
    with pytest.raises(ValueError, match="does not define"):
        ds.load(io.BytesIO(ds._C._save_to_bytes({"__deepseek_object_ref__": 4})))

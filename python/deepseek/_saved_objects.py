"""Whole nn.Modules in checkpoints, without pickle: `torch.save(model, f)` and, later,
`model = torch.load(f)`, as PyTorch scripts write them.

A module is stored as its class's name and its attributes (its __dict__: parameters,
buffers, submodules, settings), each encoded like any other checkpoint value; the pieces
that checkpoints otherwise lack get one-key tagged dicts:

    {"__deepseek_object__": {"class": "pkg.mod:Qual", "id": n, "state": {...}}}
    {"__deepseek_object_ref__": n}          the same module met again (shared submodules)
    {"__deepseek_global__": "pkg.mod:qual"}  a class or function an attribute refers to
    {"__deepseek_ordered_dict__": {...}}  (a module's own OrderedDict attributes)
    {"__deepseek_set__": [...]},
    {"__deepseek_frozenset__": [...]}, {"__deepseek_dtype__": "float32"},
    {"__deepseek_device__": "cuda:0"}

Loading rebuilds a module from its class and attributes (object.__new__(cls), then its
__dict__: no __new__, __init__ or __setstate__ of the class runs), and only for classes and
functions it is allowed to use, as torch.load(weights_only=True) does: deepseek's own, and
those named through torch.serialization.add_safe_globals or the safe_globals context
manager. weights_only=False allows any class whose module is already imported. Nothing is
imported on load either, so no code at all executes (DESIGN.md: checkpoints).
"""
import collections
import pickle
import sys
import types

from deepseek import _C

OBJECT = "__deepseek_object__"
OBJECT_REF = "__deepseek_object_ref__"
GLOBAL = "__deepseek_global__"
ORDERED_DICT = "__deepseek_ordered_dict__"
SET = "__deepseek_set__"
FROZENSET = "__deepseek_frozenset__"
DTYPE = "__deepseek_dtype__"
DEVICE = "__deepseek_device__"
TAGS = (OBJECT, OBJECT_REF, GLOBAL, ORDERED_DICT, SET, FROZENSET, DTYPE, DEVICE)

_GLOBAL_TYPES = (type, types.FunctionType, types.BuiltinFunctionType)


def _module_class():
    from deepseek.nn.modules.module import Module  # here: nn imports serialization
    return Module


def is_saved_object(value):
    """Whether encode() takes this value (a module, a class or function, a set, a dtype or
    a device). OrderedDicts elsewhere are saved as dicts, so that a state_dict's tensors
    keep their plain names in the safetensors file."""
    return isinstance(value, (_module_class(), _GLOBAL_TYPES, set, frozenset, _C.dtype,
                              _C.device))


def global_name(value, where):
    module, qualname = getattr(value, "__module__", None), getattr(value, "__qualname__", "")
    if not module or not qualname or "<" in qualname:
        raise TypeError(f"save: cannot save {value!r} at {where}: a lambda or a function or "
                        f"class defined inside a function has no name to find it by on load")
    return f"{module}:{qualname}"


class Encoder:
    """encode(value, where, encode_child) for the values is_saved_object() accepts;
    encode_child(child, path_suffix) encodes what they hold. One Encoder per save, so that a
    module met twice is stored once."""

    def __init__(self):
        self.ids = {}  # id(module) -> number (the object being saved holds every module)

    def encode(self, value, where, encode_child):
        if isinstance(value, _module_class()):
            if id(value) in self.ids:
                return {OBJECT_REF: self.ids[id(value)]}
            number = self.ids[id(value)] = len(self.ids)
            state = {}
            for name, attribute in vars(value).items():
                where_inside = f"[{name!r}]"
                # A module's own OrderedDicts (_parameters, _modules, hooks) keep their type.
                if type(attribute) is collections.OrderedDict:
                    state[name] = {ORDERED_DICT: encode_child(dict(attribute), where_inside)}
                else:
                    state[name] = encode_child(attribute, where_inside)
            return {OBJECT: {"class": global_name(type(value), where), "id": number,
                             "state": state}}
        if isinstance(value, _GLOBAL_TYPES):
            return {GLOBAL: global_name(value, where)}
        if isinstance(value, (set, frozenset)):
            tag = SET if isinstance(value, set) else FROZENSET
            return {tag: encode_child(list(value), "")}
        if isinstance(value, _C.dtype):
            return {DTYPE: str(value).rpartition(".")[2]}
        return {DEVICE: str(value)}


class Decoder:
    """decode(tag, payload, decode_child) for one tagged dict, with the allow-list of
    classes and functions that load may use."""

    def __init__(self, weights_only, safe_globals):
        self.weights_only = weights_only is not False
        self.allowed = {}
        for item in safe_globals:
            item = item[0] if isinstance(item, tuple) else item  # (obj, "name") form
            module, qualname = getattr(item, "__module__", None), getattr(item, "__qualname__",
                                                                          None)
            if module and qualname:
                self.allowed[f"{module}:{qualname}"] = item
        self.objects = {}
        self.parameters = {}  # id(loaded tensor) -> Parameter, so tied weights stay tied

    def decode(self, tag, payload, decode_child):
        if tag == OBJECT:
            return self._object(payload, decode_child)
        if tag == OBJECT_REF:
            if payload not in self.objects:
                raise ValueError(f"load: the checkpoint refers to object {payload!r}, which "
                                 "it does not define")
            return self.objects[payload]
        if tag == GLOBAL:
            return self._resolve(payload)
        if tag == ORDERED_DICT:
            return collections.OrderedDict(decode_child(payload))
        if tag in (SET, FROZENSET):
            items = decode_child(payload)
            return set(items) if tag == SET else frozenset(items)
        if tag == DTYPE:
            dtype = getattr(_C, str(payload), None)
            if not isinstance(dtype, _C.dtype):
                raise ValueError(f"load: unknown dtype {payload!r} in the checkpoint")
            return dtype
        return _C.device(payload)

    def _object(self, payload, decode_child):
        if not (isinstance(payload, dict) and set(payload) == {"class", "id", "state"}
                and isinstance(payload["state"], dict)):
            raise ValueError("load: a saved object needs exactly 'class', 'id' and a dict "
                             "'state'")
        cls = self._resolve(payload["class"])
        if not (isinstance(cls, type) and issubclass(cls, _module_class())):
            raise ValueError(f"load: {payload['class']} is not an nn.Module class; "
                             "checkpoints rebuild modules only")
        obj = object.__new__(cls)  # not cls.__new__: no code of the class runs on load
        self.objects[payload["id"]] = obj  # before the state: it may refer back to obj
        state = decode_child(payload["state"])
        params = state.get("_parameters")
        if isinstance(params, dict):
            for name, tensor in params.items():
                if isinstance(tensor, _C.Tensor):
                    params[name] = self._as_parameter(tensor)
        obj.__dict__.update(state)
        return obj

    def _as_parameter(self, tensor):
        from deepseek.nn.parameter import Parameter
        if isinstance(tensor, Parameter):
            return tensor
        if id(tensor) not in self.parameters:
            self.parameters[id(tensor)] = (tensor, Parameter(tensor, tensor.requires_grad))
        return self.parameters[id(tensor)][1]

    def _resolve(self, name):
        if not isinstance(name, str) or ":" not in name:
            raise ValueError(f"load: {name!r} is not a saved class or function name")
        if name in self.allowed:
            return self.allowed[name]
        module_name, _, qualname = name.partition(":")
        own = module_name == "deepseek" or module_name.startswith("deepseek.")
        if self.weights_only and not own:
            short = qualname.rpartition(".")[2]
            raise pickle.UnpicklingError(
                f"Weights only load failed: the checkpoint holds {name.replace(':', '.')}, "
                "which is not an allowed global by default. If you trust it, allow it with "
                f"torch.serialization.add_safe_globals([{short}]) or the "
                f"torch.serialization.safe_globals([{short}]) context manager, or load with "
                "weights_only=False.")
        module = sys.modules.get(module_name)
        if module is None:
            raise pickle.UnpicklingError(
                f"load: the checkpoint holds {name.replace(':', '.')}, but module "
                f"{module_name!r} is not imported; import it before loading (load imports "
                "nothing itself)")
        value = module
        for part in qualname.split("."):
            value = getattr(value, part, None)
            if value is None:
                raise pickle.UnpicklingError(
                    f"load: {name.replace(':', '.')} is not defined in module {module_name!r}")
        return value

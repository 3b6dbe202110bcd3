"""deepseek.save / deepseek.load: checkpoints as safetensors files, without pickle.

`deepseek.save(obj, f)` writes `obj` as a standard safetensors file (any safetensors tool
reads its tensors) with the nesting of `obj` recorded in the file's metadata;
`deepseek.load(f)` rebuilds the same object. Nothing executes on load, and every byte
of the file is validated first: a malformed or hostile file raises ValueError naming the
rule it breaks.

What a checkpoint can hold (anything else raises TypeError naming where it sits):
  - Tensors (any dtype deepseek has; saved from any device, stored contiguous; a tensor
    object reached along several paths is stored once and loads as one tensor;
    requires_grad and the saved device are kept, nn.Parameter loads as a plain Tensor);
  - None, bool, int (64-bit), float (inf and nan included), str;
  - list, tuple (subclasses such as namedtuple and Size load as plain tuples) and dict
    with str or int keys (OrderedDict and other subclasses load as plain dicts, order
    kept), nested up to 1000 levels.
That covers model and optimizer state dicts (whose keys are ints), epoch counters,
losses and configs.

Saving to a path is atomic: the bytes go to a temporary file in the same folder, which is
fsynced and renamed over the target, and the folder is fsynced; a crash mid-save leaves
the old file intact. `f` may also be a binary file object (io.BytesIO, an open file).

A safetensors file from another tool (no deepseek structure) loads as a dict mapping each
tensor's name to the tensor.

numpy arrays and numpy scalars may sit anywhere in the object too (of the dtypes
deepseek.from_numpy accepts): each is stored as a tensor wrapped in a one-key dict tagged
"__deepseek_numpy_array__" / "__deepseek_numpy_scalar__", and load turns it back into an
array (or scalar) of the same dtype and shape; an array reached along several paths loads
as one array. A dict of one of those keys alone is therefore reserved.

A whole nn.Module can be saved too (`torch.save(model, f)`): deepseek/_saved_objects.py
stores its class name and attributes, and load rebuilds it from classes it is allowed to
use (deepseek's own and those given to add_safe_globals / safe_globals, as
torch.load(weights_only=True) does); no code of those classes runs on load. Sets, dtypes
and devices keep their types anywhere in a checkpoint. Other stateful objects (an
optimizer, a scheduler, ...) raise a TypeError that says to save their state_dict()
instead.
"""
import errno
import os
import sys

from deepseek import _C
from deepseek import _saved_objects

__all__ = ["save", "load", "add_safe_globals", "clear_safe_globals", "get_safe_globals",
           "safe_globals"]


def save(obj, f, pickle_module=None, pickle_protocol=None,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Saves `obj` to the path or binary file object `f` (PyTorch's signature; the
    pickle arguments are accepted and ignored: nothing is pickled)."""
    obj = _encode_for_save(obj)
    if hasattr(f, "write"):
        f.write(_C._save_to_bytes(obj))
        return
    _C._save(obj, _as_path(f))


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Loads what `save` wrote (or any safetensors file) from a path or binary file object.

    map_location: None (tensors return to the device they were saved from), a device or
    device string (all go there), a dict {saved location: new location}, or a callable
    f(tensor, saved_location) returning a tensor or None (None: the saved location).
    weights_only: a saved nn.Module is rebuilt only from deepseek's classes and those
    allowed with add_safe_globals / safe_globals, unless weights_only=False (then any class
    of an already imported module). mmap and the pickle arguments are accepted for PyTorch
    compatibility.
    """
    relocate = _relocator(map_location)
    decoder = _saved_objects.Decoder(weights_only, _safe_globals)
    if hasattr(f, "read"):
        return _decode_after_load(_C._load_from_bytes(bytes(f.read()), relocate), decoder)
    path = _as_path(f)
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    return _decode_after_load(_C._load(path, relocate), decoder)


def _as_path(f):
    try:
        return os.fsdecode(os.fspath(f))
    except TypeError:
        raise TypeError(
            f"expected a path (str, bytes or os.PathLike) or a binary file object, "
            f"got {type(f).__name__}") from None


def _relocator(map_location):
    """map_location -> relocate(tensor, saved_location) for _C, or None for the default."""
    if map_location is None:
        return None
    if isinstance(map_location, (str, _C.device)):
        return lambda tensor, location: tensor.to(map_location)
    if isinstance(map_location, dict):
        return lambda tensor, location: tensor.to(map_location.get(location, location))
    if callable(map_location):
        def relocate(tensor, location):
            moved = map_location(tensor, location)
            if moved is None:
                return tensor.to(location)
            if not isinstance(moved, _C.Tensor):
                raise TypeError(f"map_location returned {type(moved).__name__}, not a Tensor")
            return moved
        return relocate
    raise TypeError(
        f"map_location must be None, a device, a str, a dict or a callable, "
        f"got {type(map_location).__name__}")


# ---- safe globals: torch's allow-list for unpickling; here, the classes and functions a
# saved nn.Module may be rebuilt from (deepseek's own are always allowed).

_safe_globals = []


def add_safe_globals(safe_globals):
    """Allows load to rebuild saved modules of these classes (and attributes that refer to
    these functions); nothing is unpickled or imported on load."""
    _safe_globals.extend(safe_globals)


def get_safe_globals():
    return list(_safe_globals)


def clear_safe_globals():
    _safe_globals.clear()


class safe_globals:
    """Context manager allowing `safe_globals` for its block (see add_safe_globals)."""

    def __init__(self, safe_globals):
        self.safe_globals = list(safe_globals)

    def __enter__(self):
        self._saved = list(_safe_globals)
        _safe_globals.extend(self.safe_globals)

    def __exit__(self, exc_type, exc_value, traceback):
        _safe_globals[:] = self._saved
        return False


# ---- numpy values and helpful refusals, around what _C can store

_ARRAY_TAG = "__deepseek_numpy_array__"
_SCALAR_TAG = "__deepseek_numpy_scalar__"
_KEEP = object()  # "leave this value as it is"
_MAX_NESTING = 1000  # _C refuses deeper objects with its own message


_RESERVED = (_ARRAY_TAG, _SCALAR_TAG) + _saved_objects.TAGS


def _encode_for_save(obj):
    """obj with numpy values, modules and the other _saved_objects values replaced by
    tagged dicts; raises TypeError for other stateful objects, ValueError for a dict that
    mimics a tag."""
    np = sys.modules.get("numpy")  # no numpy imported: there can be no numpy values
    as_tensor = {}  # id(array) -> tensor, so an array reached twice is stored once
    objects = _saved_objects.Encoder()

    def encode(value, prefix):
        def replace(value, path):
            where = lambda: prefix + path()  # noqa: E731
            if np is not None and isinstance(value, (np.ndarray, np.generic)):
                tag = _ARRAY_TAG if isinstance(value, np.ndarray) else _SCALAR_TAG
                if id(value) not in as_tensor:
                    as_tensor[id(value)] = _numpy_to_tensor(np, value, where)
                return {tag: as_tensor[id(value)]}
            if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _RESERVED:
                raise ValueError(f"save: the dict at {_where(where())} has only the key "
                                 f"{next(iter(value))!r}, which deepseek reserves for its "
                                 "own tags")
            if _saved_objects.is_saved_object(value):
                return objects.encode(value, _where(where()),
                                      lambda child, suffix: encode(child, where() + suffix))
            if not isinstance(value, (_C.Tensor, list, tuple, dict)) and callable(
                    getattr(value, "state_dict", None)):
                raise TypeError(_stateful_object_message(value, _where(where())))
            return _KEEP

        return _rebuild(value, replace)

    return encode(obj, "")


def _decode_after_load(obj, decoder):
    """The loaded object with each tagged dict turned back into what was saved."""
    as_numpy = {}  # id(tensor) -> array, so a shared array loads as one

    def replace(value, path):
        if not (isinstance(value, dict) and len(value) == 1):
            return _KEEP
        (key, payload), = value.items()
        if key in _saved_objects.TAGS:
            return decoder.decode(key, payload, lambda child: _rebuild(child, replace))
        if key not in (_ARRAY_TAG, _SCALAR_TAG) or not isinstance(payload, _C.Tensor):
            return _KEEP
        if id(payload) not in as_numpy:
            as_numpy[id(payload)] = payload.detach().cpu().numpy()
        array = as_numpy[id(payload)]
        return array if key == _ARRAY_TAG else array[()]

    return _rebuild(obj, replace)


def _numpy_to_tensor(np, value, path):
    array = np.asarray(value)
    if not array.flags.c_contiguous:  # (np.ascontiguousarray would make 0-d arrays 1-d)
        array = np.array(array, order="C")
    try:
        return _C.from_numpy(array)
    except TypeError as error:
        raise TypeError(f"save: cannot save the numpy {'array' if array.ndim else 'scalar'} "
                        f"at {_where(path())}: {error}") from None


def _stateful_object_message(value, where):
    return (f"save: cannot save an object of type '{type(value).__name__}' at {where}: "
            "deepseek checkpoints hold tensors, plain values and nn.Modules, no pickled "
            "objects; save its state_dict() instead and restore it with load_state_dict()")


def _where(path):
    return path if path else "the top level"


class _Frame:
    """A list, tuple or dict being rebuilt by _rebuild."""

    def __init__(self, obj, key):
        self.obj, self.key = obj, key
        self.items = iter(obj.items()) if isinstance(obj, dict) else enumerate(obj)
        self.keys, self.values, self.changed = [], [], False

    def put(self, key, value, changed):
        self.keys.append(key)
        self.values.append(value)
        self.changed = self.changed or changed

    def result(self):
        if not self.changed:
            return self.obj
        if isinstance(self.obj, dict):
            return dict(zip(self.keys, self.values))
        return list(self.values) if isinstance(self.obj, list) else tuple(self.values)


def _rebuild(root, replace):
    """root with every value v for which replace(v, path) returns something other than _KEEP
    replaced by that (path() gives v's subscript path, for messages). Lists, tuples and dicts
    are walked without recursion and rebuilt only where something inside changed; the rest
    keeps its identity. A container already on the current path (a cycle) or nested deeper
    than _C allows is left alone, for _C to report."""
    new = replace(root, lambda: "")
    if new is not _KEEP:
        return new
    if not isinstance(root, (list, tuple, dict)):
        return root
    stack = [_Frame(root, None)]
    on_path = {id(root)}
    done = object()
    while True:
        frame = stack[-1]
        key, value = next(frame.items, (done, None))
        if key is done:
            stack.pop()
            on_path.discard(id(frame.obj))
            built = frame.result()
            if not stack:
                return built
            stack[-1].put(frame.key, built, built is not frame.obj)
            continue
        new = replace(value, lambda: "".join(f"[{f.key!r}]" for f in stack[1:]) + f"[{key!r}]")
        if new is not _KEEP:
            frame.put(key, new, True)
        elif (isinstance(value, (list, tuple, dict)) and id(value) not in on_path
              and len(stack) <= _MAX_NESTING):
            on_path.add(id(value))
            stack.append(_Frame(value, key))
        else:
            frame.put(key, value, False)

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

An nn.Module (or an optimizer, scheduler, ...) itself cannot be saved: that would need
pickle. The TypeError says to save its state_dict() instead.
"""
import errno
import os
import sys

from deepseek import _C

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
    weights_only, mmap and the pickle arguments are accepted for PyTorch compatibility;
    loading never runs code, so weights_only=True holds whatever is passed.
    """
    relocate = _relocator(map_location)
    if hasattr(f, "read"):
        return _decode_after_load(_C._load_from_bytes(bytes(f.read()), relocate))
    path = _as_path(f)
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    return _decode_after_load(_C._load(path, relocate))


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


# ---- safe globals: torch's allow-list for unpickling. deepseek never unpickles, so nothing
# runs on load whatever the list holds; it is kept only so scripts that manage it run.

_safe_globals = []


def add_safe_globals(safe_globals):
    """Adds to the list get_safe_globals() returns (it does not affect loading: nothing is
    unpickled or executed on load)."""
    _safe_globals.extend(safe_globals)


def get_safe_globals():
    return list(_safe_globals)


def clear_safe_globals():
    _safe_globals.clear()


class safe_globals:
    """Context manager adding `safe_globals` to the list for its block; like
    add_safe_globals, it changes nothing about loading."""

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


def _encode_for_save(obj):
    """obj with numpy arrays/scalars replaced by tagged tensors; raises TypeError for a
    module or other stateful object, ValueError for a dict that mimics a tag."""
    np = sys.modules.get("numpy")  # no numpy imported: there can be no numpy values
    as_tensor = {}  # id(array) -> tensor, so an array reached twice is stored once

    def replace(value, path):
        if np is not None and isinstance(value, (np.ndarray, np.generic)):
            tag = _ARRAY_TAG if isinstance(value, np.ndarray) else _SCALAR_TAG
            if id(value) not in as_tensor:
                as_tensor[id(value)] = _numpy_to_tensor(np, value, path)
            return {tag: as_tensor[id(value)]}
        if isinstance(value, dict) and len(value) == 1 and (
                _ARRAY_TAG in value or _SCALAR_TAG in value):
            raise ValueError(f"save: the dict at {_where(path())} has only the key "
                             f"{next(iter(value))!r}, which deepseek reserves for numpy values")
        if not isinstance(value, (_C.Tensor, list, tuple, dict)) and callable(
                getattr(value, "state_dict", None)):
            raise TypeError(_stateful_object_message(value, _where(path())))
        return _KEEP

    return _rebuild(obj, replace)


def _decode_after_load(obj):
    """The loaded object with each tagged tensor turned back into a numpy value."""
    as_numpy = {}  # id(tensor) -> array, so a shared array loads as one

    def replace(value, path):
        if not (isinstance(value, dict) and len(value) == 1):
            return _KEEP
        (key, tensor), = value.items()
        if key not in (_ARRAY_TAG, _SCALAR_TAG) or not isinstance(tensor, _C.Tensor):
            return _KEEP
        if id(tensor) not in as_numpy:
            as_numpy[id(tensor)] = tensor.detach().cpu().numpy()
        array = as_numpy[id(tensor)]
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
    from deepseek.nn.modules.module import Module  # here: nn imports this module's package
    kind = type(value).__name__
    if isinstance(value, Module):
        return (f"save: cannot save the nn.Module '{kind}' at {where}: deepseek checkpoints "
                "hold no pickled objects or code. Save its weights with "
                "deepseek.save(model.state_dict(), f) and restore them into a model built by "
                "your code with model.load_state_dict(deepseek.load(f))")
    return (f"save: cannot save an object of type '{kind}' at {where}: deepseek checkpoints "
            f"hold no pickled objects; save its state_dict() instead and restore it with "
            f"load_state_dict()")


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

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
"""
import errno
import os

from deepseek import _C

__all__ = ["save", "load"]


def save(obj, f, pickle_module=None, pickle_protocol=None,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Saves `obj` to the path or binary file object `f` (PyTorch's signature; the
    pickle arguments are accepted and ignored: nothing is pickled)."""
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
        return _C._load_from_bytes(bytes(f.read()), relocate)
    path = _as_path(f)
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    return _C._load(path, relocate)


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

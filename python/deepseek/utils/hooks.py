"""Handles that unregister hooks kept in a dict (nn.Module forward hooks and the like)."""
import itertools
import weakref

_next_hook_id = itertools.count()


class RemovableHandle:
    """Returned by Module.register_*_hook: ``handle.remove()`` unregisters the hook.

    The handle refers to the hooks dict weakly, so a forgotten handle does not keep a
    module alive. Usable as a context manager (the hook is removed on exit).
    """

    def __init__(self, hooks_dict):
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = next(_next_hook_id)

    def remove(self):
        hooks_dict = self.hooks_dict_ref()
        if hooks_dict is not None:
            hooks_dict.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()

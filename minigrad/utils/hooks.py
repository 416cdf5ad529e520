"""``RemovableHandle``: what ``register_hook`` (tensors) and ``register_forward_hook`` (modules)
return; ``handle.remove()`` unregisters the hook (torch.utils.hooks.RemovableHandle)."""


class RemovableHandle:
    """A handle on one hook in a dict of hooks; ``remove()`` (or leaving a ``with`` block) drops it."""

    _next_id = [0]

    def __init__(self, hooks):
        self.hooks = hooks
        self.id = self._next_id[0]
        self._next_id[0] += 1

    def remove(self):
        self.hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()

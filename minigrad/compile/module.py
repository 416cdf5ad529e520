"""``OptimizedModule``: what ``compile(module)`` returns, as torch's ``torch._dynamo.eval_frame``.

It is a Module holding the original as its only child ``_orig_mod`` (so ``state_dict()`` keys
start with ``_orig_mod.``, and the repr shows it), forwards attribute reads to it (``.weight``,
``.training``), and runs ``_orig_mod``'s call (hooks included) as a compiled region.
"""
from ..nn.modules.module import Module
from .region import CompiledFunction


class OptimizedModule(Module):
    """A compiled module: ``forward`` runs ``_orig_mod(*args)`` through ``CompiledFunction``."""

    def __init__(self, mod, recompile_limit):
        super().__init__()
        self._orig_mod = mod
        object.__setattr__(self, "_compiled", CompiledFunction(mod.__call__, recompile_limit))

    def forward(self, *args, **kwargs):
        return self._compiled(*args, **kwargs)

    def __getattr__(self, name):
        modules = self.__dict__.get("_modules", {})
        if "_orig_mod" in modules and name != "_orig_mod":
            return getattr(modules["_orig_mod"], name)
        return super().__getattr__(name)

    def train(self, mode=True):
        self._orig_mod.train(mode)
        object.__setattr__(self, "training", mode)
        return self

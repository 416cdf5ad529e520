"""``Function``: one differentiable op, and the node that records it in the graph.

An op is a subclass with two static methods side by side (minigrad's own ops subclass
``BuiltinFunction``; users subclass ``Function``, whose forward returns a Tensor)::

    class Mul(BuiltinFunction):
        '''d(a*b)/da = g*b, d(a*b)/db = g*a'''
        @staticmethod
        def forward(ctx, a, b):          # Tensors (or numbers) in, an array out
            ctx.save_for_backward(a, b)
            return a._data * b._data
        @staticmethod
        def backward(ctx, grad):         # Tensors in, Tensors out: differentiable again
            a, b = ctx.saved_tensors
            return grad * b, grad * a

``Mul.apply(x, y)`` runs ``forward`` and, when grad mode is on and an input requires grad,
makes a ``Mul`` instance the ``grad_fn`` of the result. That instance is also the ``ctx``: it
keeps what backward needs and the edges to the inputs' nodes.

Backward may return a gradient of the *broadcast* shape; the engine reduces it to each input's
shape and dtype in one place (``engine._fit``), so no op handles broadcasting itself.
"""
from . import grad_mode
from . import anomaly_mode

_grad_state = grad_mode._state

_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors "
          "after they have already been freed). Saved intermediate values of the graph are freed "
          "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
          "backward through the graph a second time or if you need to access saved tensors after "
          "calling backward.")


class _NullContext:
    """The ``ctx`` of a forward that records nothing (no grad needed): saving is a no-op."""

    __slots__ = ()
    needs_input_grad = ()

    def save_for_backward(self, *tensors):
        pass

    def save_output(self, array):
        pass

    def mark_non_differentiable(self, *tensors):
        pass

    def __setattr__(self, name, value):  # ops may stash scalars on ctx; nothing to keep
        pass


_NULL_CTX = _NullContext()


class AccumulateGrad:
    """The node that stands for a leaf in ``grad_fn.next_functions``."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def __repr__(self):
        return f"<AccumulateGrad object at {id(self):#x}>"


class Function:
    """Base class of ops and of user-defined ``autograd.Function`` subclasses."""

    # Set by apply on recorded nodes:
    #   _edges: per input, its grad_fn node, the leaf Tensor (requires_grad), or None
    #   _meta:  per input, (shape, dtype) of a Tensor input, else None
    _saved = ()
    _saved_versions = ()
    _output = None            # the op's own result (an array), when it saved it with save_output
    _output_version = (0,)    # the version counter of that result (in-place changes bump it)
    _tensor_hooks = None      # hooks registered on the (non-leaf) output tensor
    _retained = None          # weakref to the output when it called retain_grad()
    _released = False
    _trace = None             # creation traceback under detect_anomaly
    _non_differentiable = False

    @classmethod
    def apply(cls, *args):
        """Run a user-defined Function: ``forward`` under no_grad with a fresh ctx; when grad mode is
        on and an input requires grad, the ctx becomes the result's ``grad_fn``."""
        ctx = cls()
        record = _connect(ctx, args) and _grad_state.enabled
        prev = _grad_state.enabled
        _grad_state.enabled = False
        try:
            out = cls.forward(ctx, *args)
        finally:
            _grad_state.enabled = prev
        if not isinstance(out, _Tensor):
            raise TypeError(f"{cls.__name__}.forward must return a single Tensor, got {type(out).__name__}")
        out = _wrap(out._data, out.dtype)  # the result gets its own identity, as in torch
        if record and not ctx._non_differentiable:
            out._requires_grad = True
            out.grad_fn = ctx
        return out

    # --- ctx API, as in torch ----------------------------------------------------------------
    def save_for_backward(self, *tensors):
        """Keep tensors for backward, remembering their versions to detect in-place changes."""
        self._saved = tensors
        self._saved_versions = tuple(t._version if isinstance(t, _Tensor) else None for t in tensors)

    def save_output(self, array):
        """Keep this op's own result (e.g. exp, sigmoid) without a reference cycle."""
        self._output = array

    @property
    def saved_tensors(self):
        if self._released:
            raise RuntimeError(_FREED)
        for t, v in zip(self._saved, self._saved_versions):
            if v is not None and t._version != v:
                raise self._modified_error(f"[{t.type()} {list(t.shape)}]", t._version, v)
        return self._saved

    def _modified_error(self, what, version, expected):
        return RuntimeError(
            "one of the variables needed for gradient computation has been modified by an inplace "
            f"operation: {what} is at version {version}; expected version {expected} instead. Hint: "
            f"the operation that saved it is {self.name()}; avoid modifying it in place.")

    @property
    def output(self):
        """The op's result as a Tensor whose grad_fn is this node (for double backward)."""
        if self._released:
            raise RuntimeError(_FREED)
        version = self._output_version[0]
        if version:
            result = _wrap(self._output)
            op = self.name().split("Backward")[0]  # torch names the forward op: "output 0 of Exp"
            what = f"[{result.type()} {list(result.shape)}], which is output 0 of {op},"
            raise self._modified_error(what, version, 0)
        out = _wrap(self._output)
        out._requires_grad = True
        out.grad_fn = self
        return out

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable = True

    def _release(self):
        """Free what backward needed (called by the engine unless retain_graph)."""
        self._saved = ()
        self._output = None
        self._released = True

    # --- introspection ------------------------------------------------------------------------
    _kind = None  # a per-node name, for ops whose torch name depends on their arguments

    def name(self):
        """torch's node name, e.g. ``MulBackward0``."""
        return self._kind or type(self).__dict__.get("_name") or self._default_name()

    @classmethod
    def _default_name(cls):
        return f"{cls.__name__}Backward"

    @property
    def next_functions(self):
        return tuple((e if e is None or isinstance(e, Function) else AccumulateGrad(e), 0)
                     for e in self._edges)

    def __repr__(self):
        return f"<{self.name().rsplit('::', 1)[-1]} object at {id(self):#x}>"

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")


class BuiltinFunction(Function):
    """Base of minigrad's own ops: ``forward`` takes Tensors (or numbers) and returns an array;
    nodes are named like torch's (``AddBackward0``)."""

    @classmethod
    def apply(cls, *args):
        """Run forward; when grad mode is on and any input requires grad, record the node."""
        if _grad_state.enabled:
            for a in args:
                if isinstance(a, _Tensor) and a._requires_grad:
                    ctx = cls()
                    _connect(ctx, args)
                    out = _wrap(cls.forward(ctx, *args))
                    out._requires_grad = True
                    out.grad_fn = ctx
                    if ctx._output is not None:  # the result is saved: watch its version
                        out._vc = ctx._output_version = [0]
                    return out
        return _wrap(cls.forward(_NULL_CTX, *args))

    @classmethod
    def _default_name(cls):
        return f"{cls.__name__}Backward0"


def _connect(ctx, args):
    """Record on ``ctx`` the edges to the inputs' nodes (their grad_fn, or the leaf itself), the
    inputs' shapes and dtypes (for the engine's broadcast reduction) and ``needs_input_grad``.
    Returns whether any input requires grad."""
    edges, meta, needs = [], [], []
    for a in args:
        if isinstance(a, _Tensor):
            meta.append((a._data.shape, a.dtype))
            if a._requires_grad:
                edges.append(a.grad_fn if a.grad_fn is not None else a)
                needs.append(True)
                continue
        else:
            meta.append(None)
        edges.append(None)
        needs.append(False)
    ctx._edges, ctx._meta, ctx.needs_input_grad = edges, meta, tuple(needs)
    if anomaly_mode._enabled[0]:
        ctx._trace = anomaly_mode.creation_stack()
    return any(needs)


def _install(tensor_cls, wrap):
    """Called once by tensor.py: the Tensor class and its array wrapper."""
    global _Tensor, _wrap
    _Tensor, _wrap = tensor_cls, wrap


_Tensor = _wrap = None

"""``Function``: one differentiable op, and the node that records it in the graph.

An op is a subclass with two static methods side by side. The same contract serves minigrad's
own ops (which subclass ``BuiltinFunction`` only so that their nodes get torch's built-in names,
``MulBackward0``) and a user's ``autograd.Function``::

    class Mul(Function):
        '''d(a*b)/da = g*b, d(a*b)/db = g*a'''
        @staticmethod
        def forward(ctx, a, b):          # Tensors (or numbers) in; an array (or a Tensor) out
            ctx.save_for_backward(a, b)
            return a._data * b._data     # (or Tensor ops, ``a * b``: forward runs under no_grad)
        @staticmethod
        def backward(ctx, grad):         # Tensors in, Tensors out: differentiable again
            a, b = ctx.saved_tensors
            return grad * b, grad * a

``Mul.apply(x, y)`` makes a ``ctx`` (an instance of ``Mul``) and runs ``forward``. When grad mode
is on and an input requires grad, ``forward`` runs under no_grad and the ctx becomes the
``grad_fn`` of the result: it keeps what backward needs (``save_for_backward``, the only way a
tensor reaches backward: its version is checked there) and the edges to the inputs' nodes.

Backward may return a gradient of the *broadcast* shape; the engine reduces it to each input's
shape and dtype in one place (``engine._fit``), so no op handles broadcasting itself.
"""
from .._modes import anomaly as _anomaly, grad_state as _grad_state, quiet_fp, restore_fp
from ..tensor import Tensor, _ndarray, _wrap
from .anomaly_mode import creation_stack

_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors "
          "after they have already been freed). Saved intermediate values of the graph are freed "
          "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
          "backward through the graph a second time or if you need to access saved tensors after "
          "calling backward.")

_INFERENCE_SAVED = ("Inference tensors cannot be saved for backward. Please do not use Tensors created in inference "
                    "mode in computation tracked by autograd. To work around this, you can make a clone to get a "
                    "normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
                    "`torch.inference_mode()`.")


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
    _edges = _meta = ()       # (a ctx whose forward recorded nothing keeps these empty)
    _saved = ()
    _saved_versions = ()
    _output = None            # the op's own result (an array), when it saved it with save_output
    _output_version = (0,)    # the version counter of that result (in-place changes bump it)
    _output_saved_at = 0      # its version when saved (an op run in place saves it after the write)
    _output_grad_fn = None    # for an op run in place on a view: makes the node its result has (ops/inplace.py)
    _tensor_hooks = None      # hooks registered on the (non-leaf) output tensor
    _retained = None          # weakref to the output when it called retain_grad()
    _released = False
    _trace = None             # creation traceback under detect_anomaly
    _non_differentiable = False

    @classmethod
    def apply(cls, *args):
        """Run ``forward`` with a fresh ctx; when grad mode is on and an input requires grad, run it
        under no_grad and make the ctx the result's ``grad_fn``."""
        ctx = cls()
        token = quiet_fp()  # inf and nan without NumPy's RuntimeWarnings, as torch gives them
        try:
            if _grad_state.enabled:
                for a in args:
                    if isinstance(a, Tensor) and (a._requires_grad or a._view is not None and a.requires_grad):
                        return _record(cls, ctx, args)
            ctx.needs_input_grad = (False,) * len(args)
            return _result(cls, cls.forward(ctx, *args))
        finally:
            restore_fp(token)

    # --- ctx API, as in torch ----------------------------------------------------------------
    def save_for_backward(self, *tensors):
        """Keep tensors for backward, remembering their versions to detect in-place changes."""
        self._saved = tensors
        if self._edges:  # a recorded node (apply's _connect set the edges): watch the versions
            if any(isinstance(t, Tensor) and t.is_inference() for t in tensors):
                raise RuntimeError(_INFERENCE_SAVED)
            self._saved_versions = tuple(t._version if isinstance(t, Tensor) else None for t in tensors)

    def save_output(self, array):
        """Keep this op's own result (e.g. exp, sigmoid) without a reference cycle."""
        self._output = array

    @property
    def saved_tensors(self):
        if self._released:
            raise RuntimeError(_FREED)
        for t, v in zip(self._saved, self._saved_versions):
            if v is not None and t._version != v:
                node = t.grad_fn  # torch names the saved tensor's node as it is now (a view's regenerated one)
                what = f"[{t.type()} {list(t.shape)}]"
                raise self._modified_error(what + (f", which is output 0 of {_op_name(node)}," if node else ""),
                                           t._version, v)
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
        if version != self._output_saved_at:
            result = _wrap(self._output)
            what = f"[{result.type()} {list(result.shape)}], which is output 0 of {_op_name(self)},"
            raise self._modified_error(what, version, self._output_saved_at)
        out = _wrap(self._output)
        out._requires_grad = True
        made = self._output_grad_fn() if self._output_grad_fn is not None else None
        out._grad_fn = made or self  # (an op run in place on a view: the view's node, over the base's CopySlices)
        return out

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable = True

    def _release(self):
        """Free what backward needed (called by the engine unless retain_graph)."""
        self._saved = ()
        self._output = None
        self._released = True

    # --- introspection ------------------------------------------------------------------------
    _name = None  # torch's node name when it is not the default: set on the class, or on the ctx in
                  # forward when it depends on the arguments (``MaxBackward0`` vs ``MaxBackward1``)

    def name(self):
        """torch's node name: ``_name``, else ``<Op>Backward`` (``<Op>Backward0`` for built-ins)."""
        return self._name or self._default_name()

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
    """Base of minigrad's own ops: the same contract as ``Function``; only the node's default name
    differs, as in torch (``AddBackward0``, where a user's ``MyOp`` gets ``MyOpBackward``)."""

    @classmethod
    def _default_name(cls):
        return f"{cls.__name__}Backward0"


def _result(cls, out):
    """The Tensor ``apply`` returns: a new one around forward's array, or around the data of the
    Tensor it returned (the result gets its own identity and node, as in torch)."""
    if out.__class__ is _ndarray:  # the common case first: a built-in op's NumPy result
        return _wrap(out)
    if isinstance(out, Tensor):
        return _wrap(out._data, out.dtype)
    if not hasattr(out, "dtype"):
        raise TypeError(f"{cls.__name__}.forward must return a single Tensor or array, got {type(out).__name__}")
    return _wrap(out)


def _op_name(node):
    """How torch's version error names a node: its name less "Backward0" ("Exp", "AsStrided"), or
    less "Backward" where another number follows ("LeakyRelu1")."""
    name = node.name().rsplit("::", 1)[-1]
    return name.replace("Backward0", "") if name.endswith("Backward0") else name.replace("Backward", "")


def _record(cls, ctx, args):
    """``apply`` when the graph is recorded: connect the node, run forward under no_grad, and make
    the node the result's ``grad_fn``."""
    _connect(ctx, args)
    _grad_state.enabled = False
    try:
        out = _result(cls, cls.forward(ctx, *args))
    finally:
        _grad_state.enabled = True
    if not ctx._non_differentiable:
        ctx.__class__ = _node_type(cls, ctx.name())
        out._requires_grad = True
        out._grad_fn = ctx
        if ctx._output is not None:  # the result is saved: watch its version
            out._vc = ctx._output_version = [0]
    return out


_NODE_TYPES = {}


def _node_type(cls, name):
    """The class of a recorded node, named as torch names it: ``type(y.grad_fn).__name__`` is
    ``MulBackward0`` (``MaxBackward1`` where the name depends on the arguments), a user's ``MyOp``
    gives ``MyOpBackward``. Made once per (op, name) as a subclass of the op, so the node keeps the
    op's ``backward`` and ``isinstance(y.grad_fn, Mul)`` holds; ``_forward_cls`` is the op, as in
    torch's ``BackwardCFunction``."""
    node_type = _NODE_TYPES.get((cls, name))
    if node_type is None:
        module = "builtins" if issubclass(cls, BuiltinFunction) else __name__  # torch's C++ nodes
        node_type = _NODE_TYPES[cls, name] = type(name.rsplit("::", 1)[-1], (cls,), {
            "_name": name, "_forward_cls": cls, "_is_node_type": True, "__module__": module,
            "__doc__": f"The graph node of ``{cls.__qualname__}``."})
    return node_type


def _connect(ctx, args):
    """Record on ``ctx`` the edges to the inputs' nodes (their grad_fn, or the leaf itself), the
    inputs' shapes and dtypes (for the engine's broadcast reduction) and ``needs_input_grad``."""
    edges, meta, needs = [], [], []
    for a in args:
        if isinstance(a, Tensor):
            meta.append((a._data.shape, a.dtype))
            node = a.grad_fn if a._view is not None else a._grad_fn  # (a view's may be regenerated)
            if a._requires_grad:  # (a view made under no_grad requires grad, but its gradient goes nowhere)
                edges.append(node if node is not None or a._view is not None and a._view.no_grad else a)
                needs.append(True)
                continue
        else:
            meta.append(None)
        edges.append(None)
        needs.append(False)
    ctx._edges, ctx._meta, ctx.needs_input_grad = edges, meta, tuple(needs)
    if _anomaly.enabled:
        ctx._trace = creation_stack()

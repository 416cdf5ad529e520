"""``Tensor``: an n-dimensional array with a dtype and a device, that can record the ops made
from it so that ``backward()`` can compute gradients.

A tensor holds:
  _data            the array (NumPy on cpu, CuPy on cuda)
  dtype            a minigrad dtype
  _requires_grad   whether gradients flow to it
  _grad            the accumulated gradient (leaves, or non-leaves that ``retain_grad()``)
  grad_fn          the op (a ``Function`` node) that produced it; None for leaves
  _vc              its version counter, shared with its views, bumped by in-place ops

This file is the index of the data model: the tensor's attributes, its autograd surface
(``backward``, ``grad``, ``register_hook``, ``retain_grad``), conversions, and the method table. Every
math method is a one-line call into ``minigrad/ops``, grouped below by the op file where the op's
forward and backward live; in-place methods go through ``ops/inplace.py``. How it all fits:
``docs/architecture.md``.
"""
import warnings
import weakref

import numpy as np

from . import dtypes as _dt
from ._backend import device as _device, device_of, host
from ._missing_names import is_torch_name
from ._modes import grad_state as _grad_state
from ._printing import tensor_repr
from .utils.hooks import RemovableHandle

_new = object.__new__
_FROM_NUMPY = _dt._FROM_NUMPY
_np_generic, _ndarray = np.generic, np.ndarray


class Size(tuple):
    """A shape, printed like torch: ``torch.Size([2, 3])``."""

    def __repr__(self):
        return f"torch.Size({list(self)})"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


_UNSET = object()  # an argument not given (where None means something)
_warned = set()


def _warn_once(message):
    """A UserWarning given once per process, as torch's TORCH_WARN_ONCE gives it."""
    if message not in _warned:
        _warned.add(message)
        warnings.warn(message, UserWarning, stacklevel=3)


class _InferenceVersion(list):
    """The version counter of an *inference tensor* (made under ``inference_mode``), shared with
    its views and detached copies as any counter is: outside inference mode, torch refuses to save
    such a tensor for backward, to let it require grad or to change it in place."""


def _wrap(data, dtype=None, cls=None):
    """A new leaf Tensor (of class ``cls``, default Tensor) around an array (no copy)."""
    if data.__class__ is not _ndarray and isinstance(data, _np_generic):  # 0-d results come as scalars
        data = np.asarray(data)
    t = _new(cls or Tensor)
    t._data = data
    t.dtype = dtype or _FROM_NUMPY[data.dtype]
    t._requires_grad = False
    t._grad = None
    t._grad_fn = None
    t._vc = _InferenceVersion((0,)) if _grad_state.inference else None
    t._view = None
    t._hooks = None
    t._retains_grad = False
    return t


class Tensor:
    """A multi-dimensional array with autograd (``minigrad.Tensor(data)`` makes float32, like torch)."""

    __slots__ = ("_data", "dtype", "_requires_grad", "_grad", "_grad_fn", "_vc", "_view", "_hooks",
                 "_retains_grad", "__weakref__")
    __array_priority__ = 1000  # NumPy operands defer to our reflected operators

    def __new__(cls, *args, **kwargs):
        """Legacy constructor: ``Tensor([1, 2])`` -> float32 data, ``Tensor(2, 3)`` -> uninitialised."""
        if args and all(isinstance(a, int) for a in args):
            t = _factories.empty(*args, dtype=_dt.float32)
        elif not args:
            t = _factories.empty(0, dtype=_dt.float32)
        else:
            t = _factories.tensor(args[0], dtype=_dt.float32)
        if cls is Tensor:
            return t
        return cls._make_subclass(t, False)

    @classmethod
    def _make_subclass(cls, data, requires_grad):
        t = _wrap(data._data, data.dtype, cls)
        t._requires_grad = bool(requires_grad)
        return t

    _wrap = staticmethod(_wrap)

    def _wrap_like(self, array):
        return _wrap(array, self.dtype)

    # --- versions and views ------------------------------------------------------------------
    @property
    def _version(self):
        vc = self._vc
        return vc[0] if vc is not None else 0

    def _bump_version(self):
        if self._vc is None:
            self._vc = [1]
        else:
            self._vc[0] += 1

    def is_inference(self):
        """Whether this tensor was made under ``inference_mode`` (or is a view of one that was)."""
        return self._vc.__class__ is _InferenceVersion

    def _share_version(self, base):
        """Share ``base``'s version counter (``detach()``, a Parameter over a tensor): in-place changes
        through either bump both versions."""
        if base._vc is None:
            base._vc = [0]
        self._vc = base._vc

    def _make_view(self, source, multi=None):
        """Make this tensor a view of ``source``'s memory (torch's view model, ``ops/inplace.py``):
        its base is ``source``'s base (the root), and it shares the root's version counter.
        ``multi``: (output index, op name) for an output of split/chunk/unbind."""
        self._share_version(source._view.base if source._view is not None else source)
        self._view = _inplace.view_info(self, source, multi)
        return self

    @property
    def _base(self):
        """The tensor whose memory this view shares (the root, not an intermediate view), else None."""
        return self._view.base if self._view is not None else None

    def _is_view(self):
        return self._view is not None

    @property
    def grad_fn(self):
        """The node that made this tensor (None for a leaf); a view's is regenerated from its base
        after an in-place change of either (``ops/inplace.refresh``)."""
        if self._view is not None:
            _inplace.refresh(self)
        return self._grad_fn

    @grad_fn.setter
    def grad_fn(self, node):
        self._grad_fn = node

    # --- attributes --------------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_util.normalize_dim(dim, self._data.ndim)]

    def dim(self):
        return self._data.ndim

    @property
    def ndim(self):
        return self._data.ndim

    def ndimension(self):
        return self._data.ndim

    def numel(self):
        return int(self._data.size)

    nelement = numel

    def element_size(self):
        return self.dtype.itemsize

    @property
    def itemsize(self):
        return self.dtype.itemsize

    @property
    def nbytes(self):
        return int(self._data.nbytes)

    def stride(self, dim=None):
        strides = tuple(s // self.dtype.itemsize for s in self._data.strides)
        return strides if dim is None else strides[dim]

    def is_contiguous(self):
        return bool(self._data.flags.c_contiguous)

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return False

    @property
    def device(self):
        return device_of(self._data)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def requires_grad(self):
        if self._view is not None:
            _inplace.refresh(self, for_grad_fn=False)
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                               "computed variable in a subgraph that doesn't require differentiation use "
                               "var_no_grad = var.detach().")
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if requires_grad and self.is_inference() and not _grad_state.inference:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.")
        self._requires_grad = bool(requires_grad) or self.grad_fn is not None
        return self

    @property
    def grad(self):
        if self.grad_fn is not None and not self._retains_grad and self._grad is None:
            warnings.warn("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                          ".grad attribute won't be populated during autograd.backward(). If you indeed want "
                          "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
                          "non-leaf Tensor.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                                   f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor are "
                                   "the same size")
            if value.dtype is not self.dtype:
                raise RuntimeError("assigned grad has data of a different type")
        self._grad = value

    def _reset_grad(self, set_to_none=True):
        """What ``zero_grad`` does to each parameter: drop ``.grad``, or zero it in place (detached)."""
        g = self._grad
        if g is None:
            return
        if set_to_none:
            self._grad = None
        else:
            g.detach_()
            g.zero_()

    @property
    def data(self):
        """The same memory, detached from the graph."""
        return self.detach()

    @data.setter
    def data(self, value):
        self._data = value._data
        self.dtype = value.dtype

    @property
    def T(self):
        if self.ndim == 0:
            _warn_once("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.")
        elif self.ndim != 2:
            _warn_once("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
                       "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
                       "matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a "
                       "tensor.")
        return self.permute(*range(self.ndim - 1, -1, -1)) if self.ndim else self

    @property
    def mT(self):
        if self.ndim < 2:
            raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {self.ndim}-D "
                               "tensor.")
        return self.transpose(-2, -1)

    @property
    def output_nr(self):
        return 0

    # --- conversions -------------------------------------------------------------------------
    def numpy(self, force=False):
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        if self.device.type != "cpu" and not force:
            raise TypeError("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the "
                            "tensor to host memory first.")
        return host(self._data)

    def __array__(self, dtype=None, copy=None):
        arr = self.numpy()
        return arr if dtype is None else arr.astype(dtype)

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return host(self._data).reshape(()).item()

    def tolist(self):
        return host(self._data).tolist()

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __float__(self):
        if self._requires_grad:
            _warn_once("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                       "Consider using tensor.detach() first.")
        return float(self._scalar())

    def __int__(self):
        return int(self._scalar())

    def _scalar(self):
        """The one element, for ``float()``/``int()`` (torch's ValueError for more or none)."""
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __index__(self):
        if self.dtype.is_floating_point or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __hash__(self):
        return id(self)

    def __getattr__(self, name):
        """Called only for a name Tensor lacks: a torch Tensor name says minigrad does not have it yet."""
        message = f"'{type(self).__name__}' object has no attribute '{name}'"
        if is_torch_name("Tensor", name):
            message += f": torch.Tensor.{name} is not implemented in minigrad yet"
        raise AttributeError(message)

    def __repr__(self):
        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec):
        """torch's ``Tensor.__format__``: a 0-dim Tensor (not a subclass such as Parameter) formats
        its ``item()`` (``f"{loss}"`` prints ``0.3345...``); anything else formats as ``object`` does:
        ``str(self)`` for an empty spec, TypeError for any other."""
        if self._data.ndim == 0 and type(self) is Tensor:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def to(self, *args, **kwargs):
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``; a copy only when needed."""
        dtype, dev, copy = kwargs.get("dtype"), kwargs.get("device"), kwargs.get("copy", False)
        for a in args:
            if isinstance(a, Tensor):
                dtype, dev = a.dtype, a.device
            elif isinstance(a, (str, _device)) or (isinstance(a, int) and not isinstance(a, bool)):
                dev = a
            elif a is not None:
                dtype = a
        out = self
        if dev is not None:
            dev = _device(dev)
            if dev.type == "cuda" and dev.index is None:
                dev = _device("cuda", 0)
            if dev != out.device:
                out = _ops_convert.ToDevice.apply(out, dev)
        if dtype is not None:
            dtype = _dt.to_dtype(dtype)
            if dtype is not out.dtype:
                out = _ops_convert.to_dtype(out, dtype)
        if copy and out is self:
            out = self.clone()
        return out

    def type(self, dtype=None, **kwargs):
        if dtype is None:
            prefix = "torch.cuda." if self.is_cuda else "torch."
            return f"{prefix}{self.dtype.legacy_name}Tensor"
        if isinstance(dtype, str):
            name = dtype.rsplit(".", 1)[-1].replace("Tensor", "")
            dtype = next(d for d in _dt._ALL if d.legacy_name == name)
        elif isinstance(dtype, type):  # a legacy constructor: x.type(torch.LongTensor)
            dtype = dtype.dtype
        return self.to(dtype)

    def float(self):
        return self.to(_dt.float32)

    def double(self):
        return self.to(_dt.float64)

    def half(self):
        return self.to(_dt.float16)

    def long(self):
        return self.to(_dt.int64)

    def int(self):
        return self.to(_dt.int32)

    def short(self):
        return self.to(_dt.int16)

    def char(self):
        return self.to(_dt.int8)

    def byte(self):
        return self.to(_dt.uint8)

    def bool(self):
        return self.to(_dt.bool)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None):
        return self.to(_device("cuda", 0 if device is None else (device if isinstance(device, int) else
                                                                 _device(device).index or 0)))

    def clone(self, memory_format=None):
        return _ops_convert.Clone.apply(self)

    def detach(self):
        """The same data, cut from the graph (shares memory and version counter)."""
        out = _wrap(self._data, self.dtype)
        out._share_version(self)
        return out

    def detach_(self):
        if self._view is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel "
                               "(DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of "
                               "DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, "
                               "please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the "
                               "solution.")
        self._grad_fn = None
        self._requires_grad = False
        return self

    def contiguous(self, memory_format=None):
        return self if self._data.flags.c_contiguous else self.clone()

    def retain_grad(self):
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None and not self._retains_grad:
            self._retains_grad = True
            self.grad_fn._retained = weakref.ref(self)

    @property
    def retains_grad(self):
        return self._retains_grad

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        owner = self.grad_fn
        if owner is None:
            if self._hooks is None:
                self._hooks = {}
            hooks = self._hooks
        else:
            if owner._tensor_hooks is None:
                owner._tensor_hooks = {}
            hooks = owner._tensor_hooks
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        _engine.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.  If you were attempting to deepcopy a module, this may "
                               "be because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) in memo:
            return memo[id(self)]
        new = type(self)._make_subclass(_wrap(self._data.copy(), self.dtype), self._requires_grad) \
            if type(self) is not Tensor else _wrap(self._data.copy(), self.dtype)
        new._requires_grad = self._requires_grad
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    def __reduce_ex__(self, protocol):
        return (_rebuild, (type(self), host(self._data), self._requires_grad))

    def __dlpack__(self, stream=None, **kwargs):
        return self._data.__dlpack__(**({"stream": stream} if stream is not None else {}))

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def data_ptr(self):
        return self._data.__array_interface__["data"][0] if isinstance(self._data, np.ndarray) else \
            self._data.data.ptr

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        dtype = self.dtype if dtype is None else _dt.to_dtype(dtype, "new_zeros")
        return _factories.zeros(*size, dtype=dtype, device=device or self.device, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        dtype = self.dtype if dtype is None else _dt.to_dtype(dtype, "new_ones")
        return _factories.ones(*size, dtype=dtype, device=device or self.device, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        dtype = self.dtype if dtype is None else _dt.to_dtype(dtype, "new_full")
        return _factories.full(size, fill_value, dtype=dtype, device=device or self.device,
                               requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return self.new_zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        return _factories.tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    # --- in place: ops/inplace.py writes the memory and rebases the history ----------------
    def add_(self, other, *, alpha=1):
        return _inplace.apply(self, _arith.add, other, alpha)

    def sub_(self, other, *, alpha=1):
        return _inplace.apply(self, _arith.sub, other, alpha)

    def mul_(self, other):
        return _inplace.apply(self, _arith.mul, other)

    def addcmul_(self, tensor1, tensor2, *, value=1):
        return _inplace.apply(self, lambda t, a, b: _fused.addcmul(t, a, b, value=value), tensor1, tensor2)

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return _inplace.apply(self, lambda t, a, b: _fused.addcdiv(t, a, b, value=value), tensor1, tensor2)

    def lerp_(self, end, weight):
        return _inplace.apply(self, _fused.lerp, end, weight)

    def div_(self, other, *, rounding_mode=None):
        return _inplace.apply(self, _arith.div, other, rounding_mode)

    def pow_(self, exponent):
        return _inplace.apply(self, _arith.pow, exponent)

    def neg_(self):
        return _inplace.apply(self, _arith.neg)

    def abs_(self):
        return _inplace.apply(self, _arith.abs)

    def exp_(self):
        return _inplace.apply(self, _unary.exp)

    def log_(self):
        return _inplace.apply(self, _unary.log)

    def sqrt_(self):
        return _inplace.apply(self, _unary.sqrt)

    def sigmoid_(self):
        return _inplace.apply(self, _activation.sigmoid)

    def tanh_(self):
        return _inplace.apply(self, _unary.tanh)

    def relu_(self):
        return _inplace.apply(self, _activation.relu)

    def floor_(self):
        return _inplace.apply(self, _unary.floor)

    def round_(self):
        return _inplace.apply(self, _unary.round)

    def clamp_(self, min=None, max=None):  # noqa: A002
        _pointwise.check_clamp_bounds_castable(self, min, max)
        return _inplace.apply(self, _unary.clamp, min, max)

    clip_ = clamp_

    def masked_fill_(self, mask, value):
        return _inplace.apply(self, _index.masked_fill, mask, value)

    def scatter_(self, dim, index, src=None, value=None):
        return _inplace.apply(self, _index.scatter, dim, index, src, value)

    def scatter_add_(self, dim, index, src):
        return _inplace.apply(self, _index.scatter_add, dim, index, src)

    def floor_divide_(self, other):
        return _inplace.apply(self, _arith.FloorDivideInPlace.apply, other)

    def remainder_(self, other):
        return _inplace.apply(self, _arith.remainder, other)

    def bitwise_and_(self, other):
        return _inplace.apply(self, _arith.bitwise_and, other)

    def bitwise_or_(self, other):
        return _inplace.apply(self, _arith.bitwise_or, other)

    def bitwise_xor_(self, other):
        return _inplace.apply(self, _arith.bitwise_xor, other)

    def bitwise_left_shift_(self, other):
        return _inplace.apply(self, _arith.bitwise_left_shift, other)

    def bitwise_right_shift_(self, other):
        return _inplace.apply(self, _arith.bitwise_right_shift, other)

    def zero_(self):
        return self.fill_(0)

    def fill_(self, value):
        return _inplace.fill_(self, value)

    def copy_(self, src, non_blocking=False):
        return _inplace.copy_(self, src)

    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        return _inplace.fill_random(self, lambda g: g.uniform(self._data.shape, self.dtype.np, a, b), generator)

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        return _inplace.fill_random(self, lambda g: g.normal(self._data.shape, self.dtype.np, mean, std), generator)

    def random_(self, from_=None, to=_UNSET, *, generator=None):
        """``random_()`` any value, ``random_(to)`` in [0, to), ``random_(from, to)``; ``to=None``: up to
        the dtype's maximum."""
        if to is _UNSET:
            from_, to = (0, from_) if from_ is not None else (None, None)
        return _inplace.fill_random(self, lambda g: g.random_(self._data.shape, self.dtype.np, from_, to), generator)

    def bernoulli_(self, p=0.5, *, generator=None):
        p = p._data if isinstance(p, Tensor) else p
        return _inplace.fill_random(self, lambda g: g.bernoulli(p, self._data.shape, self.dtype.np), generator)

    def exponential_(self, lambd=1.0, *, generator=None):
        return _inplace.fill_random(self, lambda g: g.exponential(self._data.shape, self.dtype.np, lambd), generator)

    def __setitem__(self, index, value):
        _index.setitem(self, index, value)

    def __getitem__(self, index):
        return _index.getitem(self, index)

    # --- operators -----------------------------------------------------------------------------
    # ``+``, ``-`` and ``*`` (and ``+``/``*`` reflected) are set at the end of this file to
    # ops/arithmetic.py's operators, which do the common case in one ufunc call.

    def __iadd__(self, other):
        return self.add_(other)

    def __rsub__(self, other):
        return _arith.sub(other, self)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __truediv__(self, other):
        return _arith.Div.apply(self, other)  # no fast path: Div silences x/0's warnings, as torch is silent

    def __rtruediv__(self, other):
        return self.reciprocal() * other  # as torch does (its node is MulBackward0)

    def __itruediv__(self, other):
        return self.div_(other)

    def __floordiv__(self, other):
        return _arith.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return _arith.floor_divide(other, self)

    def __mod__(self, other):
        return _arith.remainder(self, other)

    def __rmod__(self, other):
        return _arith.remainder(other, self)

    def __pow__(self, exponent):
        return _arith.pow(self, exponent)

    def __rpow__(self, base):
        return _arith.pow(base, self)

    def __ipow__(self, exponent):
        return self.pow_(exponent)

    def __ifloordiv__(self, other):
        return self.floor_divide_(other)

    def __imod__(self, other):
        return self.remainder_(other)

    # (no __imatmul__, as in torch: ``a @= b`` rebinds ``a`` to ``a @ b``)

    def __matmul__(self, other):
        return _linalg.matmul(self, other)

    def __rmatmul__(self, other):
        return _linalg.matmul(other, self)

    def __neg__(self):
        return _arith.Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _arith.Abs.apply(self)

    def __invert__(self):
        if self.dtype.is_floating_point:
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return _arith.bitwise_not(self)

    def __and__(self, other):
        return _arith.bitwise_and(self, other)

    __rand__ = __and__

    def __or__(self, other):
        return _arith.bitwise_or(self, other)

    __ror__ = __or__

    def __xor__(self, other):
        return _arith.bitwise_xor(self, other)

    __rxor__ = __xor__

    def __iand__(self, other):
        return self.bitwise_and_(other)

    def __ior__(self, other):
        return self.bitwise_or_(other)

    def __ixor__(self, other):
        return self.bitwise_xor_(other)

    def __lshift__(self, other):
        return _arith.bitwise_left_shift(self, other)

    def __rlshift__(self, other):
        return _arith.bitwise_left_shift(other, self)

    def __ilshift__(self, other):
        return self.bitwise_left_shift_(other)

    def __rshift__(self, other):
        return _arith.bitwise_right_shift(self, other)

    def __rrshift__(self, other):
        return _arith.bitwise_right_shift(other, self)

    def __irshift__(self, other):
        return self.bitwise_right_shift_(other)

    # Comparisons with what is neither a tensor nor a number return NotImplemented, as torch's do:
    # ``t == [1, 2]`` is then False (Python's identity fallback) and ``t < [1, 2]`` a TypeError
    # (also with a NumPy array, which only ``==`` and ``!=`` compare elementwise).
    def __eq__(self, other):
        return _arith.eq(self, other) if _comparable(other) or other.__class__ is np.ndarray else NotImplemented

    def __ne__(self, other):
        return _arith.ne(self, other) if _comparable(other) or other.__class__ is np.ndarray else NotImplemented

    def __lt__(self, other):
        return _arith.lt(self, other) if _comparable(other) else NotImplemented

    def __le__(self, other):
        return _arith.le(self, other) if _comparable(other) else NotImplemented

    def __gt__(self, other):
        return _arith.gt(self, other) if _comparable(other) else NotImplemented

    def __ge__(self, other):
        return _arith.ge(self, other) if _comparable(other) else NotImplemented

    # --- math methods: one-line calls into ops/, grouped by the op file ------------------------
    # ops/arithmetic.py
    def add(self, other, *, alpha=1):
        return _arith.add(self, other, alpha)

    def sub(self, other, *, alpha=1):
        return _arith.sub(self, other, alpha)

    # ops/fused.py
    def addcmul(self, tensor1, tensor2, *, value=1):
        return _fused.addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        return _fused.addcdiv(self, tensor1, tensor2, value=value)

    def lerp(self, end, weight):
        return _fused.lerp(self, end, weight)

    subtract = sub

    def mul(self, other):
        return _arith.mul(self, other)

    multiply = mul

    def div(self, other, *, rounding_mode=None):
        return _arith.div(self, other, rounding_mode)

    divide = true_divide = div

    def floor_divide(self, other):
        return _arith.floor_divide(self, other)

    def remainder(self, other):
        return _arith.remainder(self, other)

    def pow(self, exponent):
        return _arith.pow(self, exponent)

    def neg(self):
        return _arith.neg(self)

    negative = neg

    def abs(self):
        return _arith.abs(self)

    absolute = abs

    def maximum(self, other):
        return _arith.maximum(self, other)

    def minimum(self, other):
        return _arith.minimum(self, other)

    def eq(self, other):
        return _arith.eq(self, other)

    def ne(self, other):
        return _arith.ne(self, other)

    def lt(self, other):
        return _arith.lt(self, other)

    def le(self, other):
        return _arith.le(self, other)

    def gt(self, other):
        return _arith.gt(self, other)

    def ge(self, other):
        return _arith.ge(self, other)

    def equal(self, other):
        return _arith.equal(self, other)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _arith.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _arith.allclose(self, other, rtol, atol, equal_nan)

    def logical_and(self, other):
        return _arith.logical_and(self, other)

    def logical_or(self, other):
        return _arith.logical_or(self, other)

    def logical_xor(self, other):
        return _arith.logical_xor(self, other)

    def logical_not(self):
        return _arith.logical_not(self)

    def where(self, condition, other):
        return _arith.where(condition, self, other)

    # ops/unary.py
    def exp(self):
        return _unary.exp(self)

    def expm1(self):
        return _unary.expm1(self)

    def log(self):
        return _unary.log(self)

    def log1p(self):
        return _unary.log1p(self)

    def log2(self):
        return _unary.log2(self)

    def log10(self):
        return _unary.log10(self)

    def sqrt(self):
        return _unary.sqrt(self)

    def rsqrt(self):
        return _unary.rsqrt(self)

    def sin(self):
        return _unary.sin(self)

    def cos(self):
        return _unary.cos(self)

    def tanh(self):
        return _unary.tanh(self)

    def reciprocal(self):
        return _unary.reciprocal(self)

    def square(self):
        return _unary.square(self)

    def sign(self):
        return _unary.sign(self)

    def floor(self):
        return _unary.floor(self)

    def ceil(self):
        return _unary.ceil(self)

    def round(self, decimals=0):
        return _unary.round(self, decimals)

    def trunc(self):
        return _unary.trunc(self)

    def clamp(self, min=None, max=None):  # noqa: A002
        return _unary.clamp(self, min, max)

    clip = clamp

    def isnan(self):
        return _unary.isnan(self)

    def isinf(self):
        return _unary.isinf(self)

    def isfinite(self):
        return _unary.isfinite(self)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return _unary.nan_to_num(self, nan, posinf, neginf)

    # ops/activation.py
    def sigmoid(self):
        return _activation.sigmoid(self)

    def relu(self):
        return _activation.relu(self)

    def softmax(self, dim, dtype=None):
        return _activation.softmax(self, dim, dtype)

    def log_softmax(self, dim, dtype=None):
        return _activation.log_softmax(self, dim, dtype)

    # ops/reduction.py
    def sum(self, dim=None, keepdim=False, dtype=None):
        return _reduce.sum(self, dim, keepdim, dtype)

    def mean(self, dim=None, keepdim=False, dtype=None):
        return _reduce.mean(self, dim, keepdim, dtype)

    def prod(self, dim=None, keepdim=False, dtype=None):
        return _reduce.prod(self, dim, keepdim, dtype)

    def max(self, dim=None, keepdim=False):
        return _reduce.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return _reduce.min(self, dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        return _reduce.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return _reduce.amin(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return _reduce.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return _reduce.argmin(self, dim, keepdim)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _reduce.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _reduce.std(self, dim, unbiased, keepdim, correction=correction)

    def logsumexp(self, dim, keepdim=False):
        return _reduce.logsumexp(self, dim, keepdim)

    def norm(self, p="fro", dim=None, keepdim=False):
        return _reduce.norm(self, p, dim, keepdim)

    def all(self, dim=None, keepdim=False):
        return _reduce.all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return _reduce.any(self, dim, keepdim)

    def cumsum(self, dim, dtype=None):
        return _reduce.cumsum(self, dim, dtype)

    # ops/shape.py
    def reshape(self, *shape):
        return _shape.reshape(self, *shape)

    def view(self, *shape):
        return _shape.view(self, *shape)

    def view_as(self, other):
        return _shape.view(self, other.shape)

    def reshape_as(self, other):
        return _shape.reshape(self, other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        return _shape.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return _shape.unflatten(self, dim, sizes)

    def squeeze(self, dim=None):
        return _shape.squeeze(self, dim)

    def unsqueeze(self, dim):
        return _shape.unsqueeze(self, dim)

    def transpose(self, dim0, dim1):
        return _shape.transpose(self, dim0, dim1)

    swapaxes = transpose

    def t(self):
        return _shape.t(self)

    def permute(self, *dims):
        return _shape.permute(self, *dims)

    def movedim(self, source, destination):
        return _shape.movedim(self, source, destination)

    def expand(self, *sizes):
        return _shape.expand(self, *sizes)

    def expand_as(self, other):
        return _shape.expand(self, other.shape)

    def sum_to_size(self, *size):
        return _shape.sum_to_size(self, *size)

    def repeat(self, *repeats):
        return _shape.repeat(self, *repeats)

    def flip(self, *dims):
        return _shape.flip(self, *dims)

    def split(self, split_size, dim=0):
        return _shape.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return _shape.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return _shape.unbind(self, dim)

    def narrow(self, dim, start, length):
        return _shape.narrow(self, dim, start, length)

    # ops/indexing.py
    def select(self, dim, index):
        return _index.select(self, dim, index)

    def gather(self, dim, index):
        return _index.gather(self, dim, index)

    def scatter(self, dim, index, src=None, value=None):
        return _index.scatter(self, dim, index, src, value)

    def scatter_add(self, dim, index, src):
        return _index.scatter_add(self, dim, index, src)

    def index_select(self, dim, index):
        return _index.index_select(self, dim, index)

    def masked_fill(self, mask, value):
        return _index.masked_fill(self, mask, value)

    def masked_select(self, mask):
        return _index.masked_select(self, mask)

    def nonzero(self, as_tuple=False):
        return _index.nonzero(self, as_tuple)

    # ops/linalg.py
    def matmul(self, other):
        return _linalg.matmul(self, other)

    def mm(self, other):
        return _linalg.mm(self, other)

    def bmm(self, other):
        return _linalg.bmm(self, other)

    def dot(self, other):
        return _linalg.dot(self, other)

    def mv(self, other):
        return _linalg.mv(self, other)

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return _linalg.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    # ops/sorting.py
    def sort(self, dim=-1, descending=False, *, stable=False):
        return _sorting.sort(self, dim, descending, stable=stable)

    def argsort(self, dim=-1, descending=False, *, stable=False):
        return _sorting.argsort(self, dim, descending, stable=stable)

    def topk(self, k, dim=-1, largest=True, sorted=True):  # noqa: A002
        return _sorting.topk(self, k, dim, largest, sorted)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
        return _sorting.unique(self, sorted, return_inverse, return_counts, dim)

    # ops/trigonometric.py
    def tan(self):
        return _trig.tan(self)

    def asin(self):
        return _trig.asin(self)

    def acos(self):
        return _trig.acos(self)

    def atan(self):
        return _trig.atan(self)

    def sinh(self):
        return _trig.sinh(self)

    def cosh(self):
        return _trig.cosh(self)

    def asinh(self):
        return _trig.asinh(self)

    def acosh(self):
        return _trig.acosh(self)

    def atanh(self):
        return _trig.atanh(self)

    def atan2(self, other):
        return _trig.atan2(self, other)

    arcsin, arccos, arctan, arcsinh, arccosh, arctanh, arctan2 = asin, acos, atan, asinh, acosh, atanh, atan2

    # ops/special.py
    def erf(self):
        return _special.erf(self)

    def erfc(self):
        return _special.erfc(self)

    def erfinv(self):
        return _special.erfinv(self)

    # ops/pointwise.py
    def fmod(self, other):
        return _pointwise.fmod(self, other)

    def fmax(self, other):
        return _pointwise.fmax(self, other)

    def fmin(self, other):
        return _pointwise.fmin(self, other)

    def frac(self):
        return _pointwise.frac(self)

    def clamp_min(self, min):  # noqa: A002
        return _pointwise.clamp_min(self, min)

    def clamp_max(self, max):  # noqa: A002
        return _pointwise.clamp_max(self, max)

    def hypot(self, other):
        return _pointwise.hypot(self, other)

    def logaddexp(self, other):
        return _pointwise.logaddexp(self, other)

    def logaddexp2(self, other):
        return _pointwise.logaddexp2(self, other)

    def xlogy(self, other):
        return _pointwise.xlogy(self, other)

    def exp2(self):
        return _pointwise.exp2(self)

    def deg2rad(self):
        return _pointwise.deg2rad(self)

    def rad2deg(self):
        return _pointwise.rad2deg(self)

    def logit(self, eps=None):
        return _pointwise.logit(self, eps)

    def sinc(self):
        return _pointwise.sinc(self)

    def copysign(self, other):
        return _pointwise.copysign(self, other)

    def float_power(self, exponent):
        return _pointwise.float_power(self, exponent)

    def positive(self):
        return self

    def signbit(self):
        return _pointwise.signbit(self)

    def isposinf(self):
        return _pointwise.isposinf(self)

    def isneginf(self):
        return _pointwise.isneginf(self)

    def isreal(self):
        return _pointwise.isreal(self)

    def heaviside(self, values):
        return _pointwise.heaviside(self, values)

    def gcd(self, other):
        return _pointwise.gcd(self, other)

    def lcm(self, other):
        return _pointwise.lcm(self, other)

    def nextafter(self, other):
        return _pointwise.nextafter(self, other)

    def frexp(self):
        return _pointwise.frexp(self)

    def fix(self):
        return _unary.trunc(self)

    def sgn(self):
        return _unary.sign(self)

    # in-place forms of the ops in trigonometric.py, special.py, pointwise.py, rearrange.py, cumulative.py
    def tan_(self):
        return _inplace.apply(self, _trig.tan)

    def asin_(self):
        return _inplace.apply(self, _trig.asin)

    def acos_(self):
        return _inplace.apply(self, _trig.acos)

    def atan_(self):
        return _inplace.apply(self, _trig.atan)

    def sinh_(self):
        return _inplace.apply(self, _trig.sinh)

    def cosh_(self):
        return _inplace.apply(self, _trig.cosh)

    def asinh_(self):
        return _inplace.apply(self, _trig.asinh)

    def acosh_(self):
        return _inplace.apply(self, _trig.acosh)

    def atanh_(self):
        return _inplace.apply(self, _trig.atanh)

    def atan2_(self, other):
        return _inplace.apply(self, _trig.atan2, other)

    arcsin_, arccos_, arctan_, arcsinh_, arccosh_, arctanh_, arctan2_ = (asin_, acos_, atan_, asinh_, acosh_,
                                                                         atanh_, atan2_)

    def erf_(self):
        return _inplace.apply(self, _special.erf)

    def erfc_(self):
        return _inplace.apply(self, _special.erfc)

    def erfinv_(self):
        return _inplace.apply(self, _special.erfinv)

    def fmod_(self, other):
        return _inplace.apply(self, _pointwise.fmod, other)

    def frac_(self):
        return _inplace.apply(self, _pointwise.frac)

    def clamp_min_(self, min):  # noqa: A002
        _pointwise.check_clamp_bounds_castable(self, min)
        return _inplace.apply(self, _pointwise.clamp_min, min)

    def clamp_max_(self, max):  # noqa: A002
        _pointwise.check_clamp_bounds_castable(self, max)
        return _inplace.apply(self, _pointwise.clamp_max, max)

    def hypot_(self, other):
        return _inplace.apply(self, _pointwise.hypot, other)

    def xlogy_(self, other):
        return _inplace.apply(self, _pointwise.xlogy, other)

    def exp2_(self):
        return _inplace.apply(self, _pointwise.exp2)

    def deg2rad_(self):
        return _inplace.apply(self, _pointwise.deg2rad)

    def rad2deg_(self):
        return _inplace.apply(self, _pointwise.rad2deg)

    def logit_(self, eps=None):
        return _inplace.apply(self, _pointwise.logit, eps)

    def sinc_(self):
        return _inplace.apply(self, _pointwise.sinc)

    def copysign_(self, other):
        return _inplace.apply(self, _pointwise.copysign, other)

    def gcd_(self, other):
        return _inplace.apply(self, _pointwise.gcd, other)

    def lcm_(self, other):
        return _inplace.apply(self, _pointwise.lcm, other)

    def tril_(self, diagonal=0):
        return _inplace.apply(self, _rearrange.tril, diagonal)

    def triu_(self, diagonal=0):
        return _inplace.apply(self, _rearrange.triu, diagonal)

    def cumprod_(self, dim, dtype=None):
        return _inplace.apply(self, _cumulative.cumprod, dim, dtype)

    # ops/rearrange.py
    def tril(self, diagonal=0):
        return _rearrange.tril(self, diagonal)

    def triu(self, diagonal=0):
        return _rearrange.triu(self, diagonal)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return _rearrange.diagonal(self, offset, dim1, dim2)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return _rearrange.diag_embed(self, offset, dim1, dim2)

    def diag(self, diagonal=0):
        return _rearrange.diag(self, diagonal)

    def diagflat(self, offset=0):
        return _rearrange.diagflat(self, offset)

    def trace(self):
        return _rearrange.trace(self)

    def roll(self, shifts, dims=None):
        return _rearrange.roll(self, shifts, dims)

    def tile(self, *dims):
        return _rearrange.tile(self, *dims)

    def broadcast_to(self, size):
        return _rearrange.broadcast_to(self, size)

    def repeat_interleave(self, repeats=None, dim=None, *, output_size=None):
        return _rearrange.repeat_interleave(self, repeats, dim, output_size=output_size)

    def take_along_dim(self, indices, dim=None):
        return _rearrange.take_along_dim(self, indices, dim)

    def outer(self, vec2):
        return _rearrange.outer(self, vec2)

    ger = outer

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        return _rearrange.diff(self, n, dim, prepend, append)

    def ravel(self):
        return _rearrange.ravel(self)

    def fliplr(self):
        return _rearrange.fliplr(self)

    def flipud(self):
        return _rearrange.flipud(self)

    def msort(self):
        return _rearrange.msort(self)

    def tensor_split(self, indices_or_sections, dim=0):
        return _rearrange.tensor_split(self, indices_or_sections, dim)

    def hsplit(self, sections):
        return _rearrange.hsplit(self, sections)

    def vsplit(self, sections):
        return _rearrange.vsplit(self, sections)

    def dsplit(self, sections):
        return _rearrange.dsplit(self, sections)

    def split_with_sizes(self, split_sizes, dim=0):
        return _shape.split(self, list(split_sizes), dim)

    def moveaxis(self, source, destination):
        return _shape.movedim(self, source, destination)

    def swapdims(self, dim0, dim1):
        return _shape.transpose(self, dim0, dim1)

    # ops/cumulative.py
    def cumprod(self, dim, dtype=None):
        return _cumulative.cumprod(self, dim, dtype)

    def cummax(self, dim):
        return _cumulative.cummax(self, dim)

    def cummin(self, dim):
        return _cumulative.cummin(self, dim)

    def logcumsumexp(self, dim):
        return _cumulative.logcumsumexp(self, dim)

    # ops/statistics.py
    def median(self, dim=None, keepdim=False):
        return _statistics.median(self, dim, keepdim)

    def nanmedian(self, dim=None, keepdim=False):
        return _statistics.nanmedian(self, dim, keepdim)

    def kthvalue(self, k, dim=-1, keepdim=False):
        return _statistics.kthvalue(self, k, dim, keepdim)

    def nansum(self, dim=None, keepdim=False, *, dtype=None):
        return _statistics.nansum(self, dim, keepdim, dtype=dtype)

    def nanmean(self, dim=None, keepdim=False, *, dtype=None):
        return _statistics.nanmean(self, dim, keepdim, dtype=dtype)

    def aminmax(self, *, dim=None, keepdim=False):
        return _statistics.aminmax(self, dim=dim, keepdim=keepdim)

    def count_nonzero(self, dim=None):
        return _statistics.count_nonzero(self, dim)

    # ops/searching.py
    def bincount(self, weights=None, minlength=0):
        return _searching.bincount(self, weights, minlength)

    def argwhere(self):
        return _searching.argwhere(self)

    # ops/distance.py
    def dist(self, other, p=2):
        return _distance.dist(self, other, p)

    def cross(self, other, dim=None):
        return _distance.cross(self, other, dim)

    # ops/linalg_decompositions.py, ops/linalg_functions.py
    def inverse(self):
        return _decompositions.inv(self)

    def det(self):
        return _decompositions.det(self)

    def logdet(self):
        return _decompositions.logdet(self)

    def slogdet(self):
        return _decompositions.torch_slogdet(self)

    def pinverse(self, rcond=1e-15):
        return _decompositions.pinverse(self, rcond)

    def cholesky(self, upper=False):
        return _decompositions.cholesky(self, upper=upper)

    def qr(self, some=True):
        return _decompositions.torch_qr(self, some)

    def svd(self, some=True, compute_uv=True):
        return _decompositions.torch_svd(self, some, compute_uv)

    def matrix_power(self, n):
        return _linalg_functions.matrix_power(self, n)

    def inner(self, other):
        return _linalg_functions.inner(self, other)

    def kron(self, other):
        return _linalg_functions.kron(self, other)

    def vdot(self, other):
        return _linalg_functions.vdot(self, other)

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        return _linalg_functions.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        return _linalg_functions.addr(self, vec1, vec2, beta=beta, alpha=alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return _linalg_functions.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return _linalg_functions.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def cov(self, *, correction=1, fweights=None, aweights=None):
        return _statistics.cov(self, correction=correction, fweights=fweights, aweights=aweights)

    def corrcoef(self):
        return _statistics.corrcoef(self)

    def rot90(self, k=1, dims=(0, 1)):
        return _rearrange.rot90(self, k, dims)

    def adjoint(self):
        return _rearrange.adjoint(self)

    def take(self, index):
        return _rearrange.take(self, index)

    def greater(self, other):
        return _arith.gt(self, other)

    def greater_equal(self, other):
        return _arith.ge(self, other)

    def less(self, other):
        return _arith.lt(self, other)

    def less_equal(self, other):
        return _arith.le(self, other)

    def not_equal(self, other):
        return _arith.ne(self, other)

    def is_signed(self):
        return self.dtype.is_signed

    def is_same_size(self, other):
        return self.shape == other.shape

    def is_nonzero(self):
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous" if self.numel()
                               else "Boolean value of Tensor with no values is ambiguous")
        return bool(self.item())

    def type_as(self, other):
        return self.to(other.dtype)

    def mode(self, dim=-1, keepdim=False):
        return _statistics.mode(self, dim, keepdim)

    def histc(self, bins=100, min=0, max=0):  # noqa: A002
        return _statistics.histc(self, bins, min, max)

    def cholesky_solve(self, input2, upper=False):
        return _decompositions.cholesky_solve(self, input2, upper)

    def cholesky_inverse(self, upper=False):
        return _decompositions.cholesky_inverse(self, upper)

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        return _rearrange.unique_consecutive(self, return_inverse, return_counts, dim)

    def slice_scatter(self, src, dim=0, start=None, end=None, step=1):
        return _rearrange.slice_scatter(self, src, dim, start, end, step)

    def select_scatter(self, src, dim, index):
        return _rearrange.select_scatter(self, src, dim, index)

    def diagonal_scatter(self, src, offset=0, dim1=0, dim2=1):
        return _rearrange.diagonal_scatter(self, src, offset, dim1, dim2)

    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return _statistics.quantile(self, q, dim, keepdim, interpolation=interpolation)

    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return _statistics.nanquantile(self, q, dim, keepdim, interpolation=interpolation)

    def histogram(self, bins=100, *, range=None, weight=None, density=False):  # noqa: A002
        return _statistics.histogram(self, bins, range=range, weight=weight, density=density)

    def triangular_solve(self, A, upper=True, transpose=False, unitriangular=False):  # noqa: N803
        return _decompositions.triangular_solve(self, A, upper, transpose, unitriangular)

    def angle(self):
        return _pointwise.angle(self)

    def renorm(self, p, dim, maxnorm):
        return _pointwise.renorm(self, p, dim, maxnorm)

    def conj(self):
        return self  # minigrad has no complex dtypes: the conjugate of a real tensor is itself

    @property
    def real(self):
        return self


def _comparable(other):
    return isinstance(other, (Tensor, int, float, np.generic))


def _rebuild(cls, array, requires_grad):
    t = _wrap(array.copy())
    if cls is not Tensor:
        t = cls._make_subclass(t, requires_grad)
    t._requires_grad = requires_grad
    return t


# --- the one import block that looks upward -------------------------------------------------
# Tensor's methods are one-line calls into the layers built on top of this module: the op families
# (each imports Tensor to wrap its results), the in-place machinery, the factories and the
# backward engine. Python resolves the cycle because these modules are imported only here, after
# Tensor is defined. parity_tests/test_architecture.py allows this block, and nothing else, to
# import upward.
from . import factories as _factories  # noqa: E402
from .autograd import engine as _engine  # noqa: E402
from .ops import _util  # noqa: E402
from .ops import arithmetic as _arith  # noqa: E402
from .ops import fused as _fused  # noqa: E402
from .ops import pointwise as _pointwise  # noqa: E402
from .ops import unary as _unary  # noqa: E402
from .ops import activation as _activation  # noqa: E402
from .ops import reduction as _reduce  # noqa: E402
from .ops import shape as _shape  # noqa: E402
from .ops import indexing as _index  # noqa: E402
from .ops import linalg as _linalg  # noqa: E402
from .ops import convert as _ops_convert  # noqa: E402
from .ops import sorting as _sorting  # noqa: E402
from .ops import inplace as _inplace  # noqa: E402
from .ops import trigonometric as _trig  # noqa: E402
from .ops import rearrange as _rearrange  # noqa: E402
from .ops import cumulative as _cumulative  # noqa: E402
from .ops import statistics as _statistics  # noqa: E402
from .ops import searching as _searching  # noqa: E402
from .ops import distance as _distance  # noqa: E402
from .ops import special as _special  # noqa: E402
from .ops import linalg_decompositions as _decompositions  # noqa: E402
from .ops import linalg_functions as _linalg_functions  # noqa: E402
from .ops import _keywords  # noqa: E402

_keywords.bind_methods(Tensor)  # axis=, keepdims=, ... as torch's argument parser accepts them

# The hot operators: ``a + b`` is ops/arithmetic.py's ``add_operator(a, b)``, with no call between.
Tensor.__add__ = Tensor.__radd__ = _arith.add_operator
Tensor.__sub__ = _arith.sub_operator
Tensor.__mul__ = Tensor.__rmul__ = _arith.mul_operator

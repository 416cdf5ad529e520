"""minigrad: a from-scratch tensor and reverse-mode autograd engine on NumPy, with PyTorch's API.

``import minigrad as torch`` is meant to work for the scripts of the course this project follows.
"""
from . import dtypes as _dtypes
from .dtypes import (dtype, float16, float32, float64, int8, int16, int32, int64, uint8, bool,  # noqa: A004
                     half, float, double, short, int, long, get_default_dtype, set_default_dtype,
                     result_type as _result_type)
from ._backend import device
from ._parallel import get_num_threads, set_num_threads
from .tensor import Tensor, Size
from .factories import (tensor, as_tensor, from_numpy, from_dlpack, scalar_tensor, zeros, ones, empty, full,
                        zeros_like, ones_like, empty_like, full_like, arange, linspace, logspace, eye, rand,
                        randn, randint, randperm, rand_like, randn_like, randint_like, normal, bernoulli,
                        multinomial, is_tensor, numel, is_floating_point, set_default_device, get_default_device,
                        FloatTensor, DoubleTensor, HalfTensor, ByteTensor, CharTensor, ShortTensor, IntTensor,
                        LongTensor, BoolTensor)
from .random import Generator, manual_seed, seed, initial_seed, get_rng_state, set_rng_state, default_generator
from .autograd import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled, is_anomaly_enabled,
                       is_anomaly_check_nan_enabled)
from .ops.arithmetic import (add, sub, mul, div, floor_divide, remainder, pow, neg, abs, maximum, minimum,  # noqa: A004
                             where, eq, ne, lt, le, gt, ge, equal, isclose, allclose, logical_and, logical_or,
                             logical_xor, logical_not, bitwise_and, bitwise_or, bitwise_xor, bitwise_not)
from .ops.unary import (exp, expm1, log, log1p, log2, log10, sqrt, rsqrt, sin, cos, tanh,
                        reciprocal, square, clamp, sign, floor, ceil, round, trunc, isnan, isinf, isfinite,  # noqa: A004
                        nan_to_num)
from .ops.reduction import (sum, mean, prod, max, min, amax, amin, argmax, argmin, var, std, logsumexp,  # noqa: A004
                            norm, all, any, cumsum)
from .ops.fused import addcmul, addcdiv, lerp
from .ops.activation import relu, sigmoid, softmax, log_softmax
from .ops import return_types, _keywords
from .ops.shape import (reshape, flatten, unflatten, squeeze, unsqueeze, transpose, t, permute, movedim,
                        cat, stack, split, chunk, unbind, narrow, flip)
from .ops.indexing import gather, scatter, scatter_add, index_select, masked_fill, masked_select, select, nonzero
from .ops.linalg import matmul, mm, bmm, dot, mv, addmm
from .ops.sorting import sort, argsort, topk, unique
from .ops.trigonometric import tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, atan2
from .ops.pointwise import (fmod, fmax, fmin, frac, clamp_min, clamp_max, hypot, logaddexp, logaddexp2, xlogy, exp2,
                            deg2rad, rad2deg, logit, sinc, copysign, float_power, positive, signbit, isposinf,
                            isneginf, isreal, heaviside, gcd, lcm, nextafter, frexp, angle, rsub, renorm)
from .ops.rearrange import (tril, triu, diagonal, diag_embed, diag, diagflat, trace, roll, tile, broadcast_to,
                            repeat_interleave, atleast_1d, atleast_2d, atleast_3d, vstack, hstack, dstack,
                            column_stack, meshgrid, take_along_dim, outer, diff, ravel, fliplr, flipud, msort,
                            tensor_split, hsplit, vsplit, dsplit, broadcast_shapes, broadcast_tensors,
                            cartesian_prod, rot90, adjoint, take, tril_indices, triu_indices, combinations,
                            block_diag, unravel_index, vander, unique_consecutive, slice_scatter, select_scatter,
                            diagonal_scatter)
from .ops.cumulative import cumprod, cummax, cummin, logcumsumexp
from .ops.statistics import (median, nanmedian, kthvalue, nansum, nanmean, aminmax, std_mean, var_mean,
                             count_nonzero, cov, corrcoef, mode, histc, trapezoid, cumulative_trapezoid, quantile,
                             nanquantile, histogram, gradient)
from .ops.searching import searchsorted, bucketize, bincount, argwhere, isin
from .ops.einsum import einsum
from .ops.distance import dist, cdist, cross
from .ops.special import erf, erfc, erfinv
from .ops.linalg_decompositions import (det, logdet, inv as inverse, pinverse, cholesky_solve, cholesky_inverse,
                                        triangular_solve,
                                        torch_slogdet as slogdet, torch_qr as qr, torch_svd as svd)
from .ops.linalg_functions import (matrix_power, tensordot, inner, chain_matmul, kron, vdot, addmv, addr, baddbmm,
                                   addbmm, frobenius_norm, nuclear_norm)
from . import autograd, cuda, accelerator, linalg
from ._missing_names import missing_names as _missing_names
from ._printing import set_printoptions
from .serialization import save, load
from . import nn, optim, utils, metrics  # noqa: E402 - they build on everything above
from .utils import data as _utils_data  # noqa: E402,F401 - minigrad.utils.data, as torch.utils.data
from .compile import compile  # noqa: E402,A004 - torch.compile (capture and replay: minigrad/compile/)

subtract, multiply, divide, true_divide, negative, absolute = sub, mul, div, div, neg, abs
clip, concat, concatenate, swapaxes = clamp, cat, cat, transpose
result_type = _result_type
arcsin, arccos, arctan, arcsinh, arccosh, arctanh, arctan2 = asin, acos, atan, asinh, acosh, atanh, atan2
row_stack, ger, clone = vstack, outer, Tensor.clone
cholesky = Tensor.cholesky
fix, sgn, moveaxis, swapdims, split_with_sizes = trunc, sign, movedim, transpose, Tensor.split_with_sizes
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
is_signed, is_same_size, is_nonzero = Tensor.is_signed, Tensor.is_same_size, Tensor.is_nonzero
trapz, conj, detach = trapezoid, Tensor.conj, Tensor.detach
_keywords.bind_functions(globals())  # out= and the NumPy keyword aliases (axis=, keepdims=), as torch's

__version__ = "0.1.0"
__getattr__ = _missing_names(__name__, "torch")  # a torch name minigrad lacks: an AttributeError naming it


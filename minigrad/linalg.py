"""``torch.linalg``: matrix and vector functions (``import minigrad as torch; torch.linalg.inv(a)``).

The ops live in ``minigrad/ops/``: decompositions and their derivatives in
``linalg_decompositions.py``, norms and the other compositions in ``linalg_functions.py``, the
product ops in ``linalg.py``; this module is the namespace.
"""
from ._missing_names import missing_names as _missing_names
from .ops import _keywords
from .ops.distance import linalg_cross as cross
from .ops.linalg import matmul
from .ops.linalg_decompositions import (LinAlgError, inv, det, slogdet, solve, cholesky, qr, eigh, eigvalsh, svd,
                                        svdvals, pinv, lstsq, solve_triangular, cholesky_ex, inv_ex, solve_ex,
                                        tensorinv, tensorsolve)
from .ops.linalg_functions import (vector_norm, matrix_norm, norm, cond, matrix_rank, multi_dot, vecdot,
                                   matrix_power)
from .ops.rearrange import diagonal as _diagonal, vander as _vander


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):  # noqa: N803 - torch's parameter name
    """torch.linalg.diagonal: torch.diagonal with the last two dims as the default."""
    return _diagonal(A, offset, dim1, dim2)


def vander(x, *, N=None):  # noqa: N803
    """torch.linalg.vander: columns x**0, x**1, ..., x**(N-1) (increasing powers)."""
    return _vander(x, N, increasing=True)


_keywords.bind_functions(globals(), _keywords.LINALG_OUT_KINDS)  # out= and the NumPy keyword aliases, as torch's
__getattr__ = _missing_names(__name__, "linalg")  # a torch.linalg name minigrad lacks: an AttributeError naming it

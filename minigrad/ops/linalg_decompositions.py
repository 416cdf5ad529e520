"""Matrix functions and decompositions (torch.linalg): inv, det, slogdet, solve, cholesky, qr,
eigh, svd, pinv, lstsq. Every op works on the last two dims and batches over the others.

Backward formulas are torch's (``tools/autograd/derivatives.yaml``, ``FunctionsManual.cpp``:
``linalg_eig_backward``, ``svd_backward``, ``linalg_qr_backward``, ``cholesky_backward``,
``pinv_backward``, ``linalg_lstsq_backward``), written with Tensor ops so that they differentiate
again. They assume what makes the derivative exist: an invertible matrix (inv, det, slogdet, solve),
distinct eigenvalues (eigh) or singular values (svd), full column rank (qr, lstsq).

A decomposition with several outputs (svd's U, S, Vh) is one node per output here (minigrad's ops
have one result), each bearing torch's node name. Its backward is linear in the output gradients,
so each node applies the formula to its own gradient and the engine's sum is torch's result. The
factors a backward formula reads are the saved arrays; under ``create_graph`` they are computed
again from the saved input with the graph recorded, so the formula is differentiated through them.
"""
import warnings

import numpy as np

from ..autograd.function import BuiltinFunction
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor
from . import return_types
from .rearrange import diag_embed


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a matrix that is singular or not positive-definite."""


def _check(name, a, square=True):
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if not a.dtype.is_floating_point:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{a.dtype.legacy_name}")
    if square and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices")


def _factors(ctx, recompute):
    """The factors backward reads, as Tensors: recomputed from the saved input with the graph
    recorded when this backward is itself differentiated (create_graph), else the saved arrays."""
    a = ctx.saved_tensors[0]
    if is_grad_enabled() and a.requires_grad:
        return recompute(a)
    return tuple(Tensor._wrap(f) for f in ctx.factors)


def _skew(x):
    return x - x.mT


# --- inverse, determinant, solve ----------------------------------------------------------------
class Inv(BuiltinFunction):
    """out = A^-1; dA = -out^T g out^T"""

    _name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, a):
        try:
            out = np.linalg.inv(a._data)
        except np.linalg.LinAlgError:
            raise LinAlgError("linalg.inv: The input matrix is singular, the inversion could not be "
                              "completed.") from None
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out = ctx.output
        return -(out.mT @ grad @ out.mT)


class Det(BuiltinFunction):
    """det(A); dA = g * det(A) * A^-T (A invertible)"""

    _name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        out = np.linalg.det(a._data)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return (grad * ctx.output).unsqueeze(-1).unsqueeze(-1) * inv(a).mT


class SlogdetLogabsdet(BuiltinFunction):
    """log|det(A)|; dA = g * A^-T (A invertible). The sign is piecewise constant: no gradient."""

    _name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        sign, logabsdet = np.linalg.slogdet(a._data)
        ctx.sign = sign
        return logabsdet

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad.unsqueeze(-1).unsqueeze(-1) * inv(a).mT


class Solve(BuiltinFunction):
    """X = A^-1 B (B a matrix, or a vector when ``vector``); dB = A^-T g, dA = -dB X^T"""

    _name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, a, b, vector):
        ctx.save_for_backward(a)
        ctx.vector = vector
        rhs = b._data[..., None] if vector else b._data
        try:
            out = np.linalg.solve(a._data, rhs)
        except np.linalg.LinAlgError:
            raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.") from None
        out = out[..., 0] if vector else out
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        x = ctx.output
        grad_b = Solve.apply(a.mT, grad, ctx.vector)
        if not ctx.needs_input_grad[0]:
            return None, grad_b, None
        grad_a = -(grad_b.unsqueeze(-1) @ x.unsqueeze(-2)) if ctx.vector else -(grad_b @ x.mT)
        return grad_a, grad_b, None


def inv(a):
    _check("linalg.inv", a)
    return Inv.apply(a)


def det(a):
    _check("linalg.det", a)
    return Det.apply(a)


def slogdet(a):
    """(sign, log|det|) of square matrices; sign is 0 and log|det| -inf for a singular one."""
    _check("linalg.slogdet", a)
    logabsdet = SlogdetLogabsdet.apply(a)
    sign = np.sign(np.linalg.det(a._data)) if logabsdet.grad_fn is None else logabsdet.grad_fn.sign
    return return_types.linalg_slogdet(Tensor._wrap(np.asarray(sign, dtype=a.dtype.np, like=a._data)), logabsdet)


def logdet(a):
    """log det(A): NaN where det < 0 (torch.logdet)."""
    sign, logabsdet = slogdet(a)
    return logabsdet.where(sign >= 0, float("nan"))


def solve(a, b, *, left=True):
    """X with A X = B (``left``) or X A = B; B is a vector when it is 1-D or A's shape minus the last dim."""
    _check("linalg.solve", a)
    if not left:
        return solve(a.mT, b.mT).mT
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and tuple(b.shape) == tuple(a.shape[:-1]))
    return Solve.apply(a, b, vector)


# --- Cholesky -----------------------------------------------------------------------------------
class Cholesky(BuiltinFunction):
    """A = L L^T with L lower triangular (``upper``: A = U^T U, U = L^T);
    with phi = tril(L^T g) (diagonal halved): dA = sym(L^-T phi L^-1), sym(X) = (X + X^T)/2"""

    _name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, a, upper):
        ctx.upper = upper
        try:
            lower = np.linalg.cholesky(a._data)
        except np.linalg.LinAlgError:
            raise LinAlgError(f"linalg.cholesky: The factorization could not be completed because the input is "
                              f"not positive-definite (the leading minor of order {_failing_minor(a._data)} is "
                              f"not positive-definite).") from None
        out = np.swapaxes(lower, -1, -2).copy() if upper else lower
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        lower, g = (ctx.output.mT, grad.mT) if ctx.upper else (ctx.output, grad)
        lower_inv = inv(lower)
        phi = lower.mT @ g
        phi = phi.tril() - 0.5 * diag_embed(phi.diagonal(0, -2, -1))
        grad_a = lower_inv.mT @ phi @ lower_inv
        return 0.5 * (grad_a + grad_a.mT), None


def _failing_minor(x):
    """The order of the first leading minor that is not positive-definite (for the error message)."""
    for matrix in x.reshape((-1,) + x.shape[-2:]):
        for k in range(1, matrix.shape[-1] + 1):
            try:
                np.linalg.cholesky(matrix[:k, :k])
            except np.linalg.LinAlgError:
                return k
    return 0


def cholesky(a, *, upper=False):
    _check("linalg.cholesky", a)
    return Cholesky.apply(a, upper)


# --- QR -----------------------------------------------------------------------------------------
def _qr_backward(grad_q, grad_r, q, r):
    """A = QR (m >= n, reduced): with M = R gR^T - gQ^T Q, dA = (gQ + Q copyltu(M)) R^-T, where
    copyltu(M) copies M's lower triangle onto its upper one (Walter & Lehmann 2018)."""
    m = -(grad_q.mT @ q) if grad_q is not None else r @ grad_r.mT
    copied = m.tril() + m.tril(-1).mT
    top = q @ copied if grad_q is None else grad_q + q @ copied
    return top @ inv(r).mT


class _QrFactor(BuiltinFunction):
    _name = "LinalgQrBackward0"

    @staticmethod
    def forward(ctx, a, factors, index):
        ctx.save_for_backward(a)
        ctx.factors, ctx.index = factors, index
        return factors[index]

    @staticmethod
    def backward(ctx, grad):
        a = ctx.saved_tensors[0]
        if a.shape[-2] < a.shape[-1]:
            raise NotImplementedError("minigrad: the derivative of linalg.qr is implemented for m >= n (tall or "
                                      "square matrices) only")
        q, r = _factors(ctx, lambda t: qr(t))
        q, r = q[..., :, :a.shape[-1]], r[..., :a.shape[-1], :]
        return (_qr_backward(grad, None, q, r) if ctx.index == 0 else _qr_backward(None, grad, q, r)), None, None


class QrQ(_QrFactor):
    """Q of A = QR (orthonormal columns); backward: the QR formula with gR = 0"""


class QrR(_QrFactor):
    """R of A = QR (upper triangular); backward: the QR formula with gQ = 0"""


def qr(a, mode="reduced"):
    """A = QR: Q (m, k) with orthonormal columns, R (k, n) upper triangular, k = min(m, n)
    ('reduced'), or Q (m, m), R (m, n) ('complete'); 'r' gives R only (and an empty Q)."""
    _check("linalg.qr", a, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                           f"'r', or 'complete'")
    with np.errstate(over="ignore", invalid="ignore"):  # LAPACK works in float64: inf on the way back, as torch
        q, r = np.linalg.qr(a._data, mode="complete" if mode == "complete" else "reduced")
    if mode == "r":
        if a.requires_grad and is_grad_enabled():
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
                               "through linalg.qr.")
        return return_types.linalg_qr(Tensor._wrap(np.zeros((0,), dtype=a.dtype.np, like=a._data)),
                                      Tensor._wrap(r))
    factors = (q, r)
    return return_types.linalg_qr(QrQ.apply(a, factors, 0), QrR.apply(a, factors, 1))


# --- symmetric eigendecomposition ---------------------------------------------------------------
def _eigh_backward(grad_l, grad_v, values, vectors):
    """A = V diag(L) V^T: dA = V (diag(gL) + skew(V^T gV)/2 / E) V^T, E_ij = L_j - L_i (i != j)
    (torch's linalg_eig_backward, hermitian case)."""
    if grad_v is None:
        return vectors @ (grad_l.unsqueeze(-1) * vectors.mT)
    n = values.shape[-1]
    off = Tensor._wrap(~np.eye(n, dtype=bool, like=values._data))
    gaps = (values.unsqueeze(-2) - values.unsqueeze(-1)).where(off, 1.0)
    inner = (0.5 * _skew(vectors.mT @ grad_v) / gaps).where(off, 0.0)
    return vectors @ inner @ vectors.mT


class _EighFactor(BuiltinFunction):
    _name = "LinalgEighBackward0"

    @staticmethod
    def forward(ctx, a, factors, index):
        ctx.save_for_backward(a)
        ctx.factors, ctx.index = factors, index
        return factors[index]

    @staticmethod
    def backward(ctx, grad):
        values, vectors = _factors(ctx, lambda t: eigh(t))
        if ctx.index == 0:
            return _eigh_backward(grad, None, values, vectors), None, None
        return _eigh_backward(None, grad, values, vectors), None, None


class EighValues(_EighFactor):
    """The eigenvalues, ascending; backward: V diag(g) V^T"""


class EighVectors(_EighFactor):
    """The eigenvectors (columns, each up to sign); backward: the eigh formula with gL = 0"""


def eigh(a, UPLO="L"):  # noqa: N803 - torch's parameter name
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices (read from the ``UPLO`` triangle)."""
    _check("linalg.eigh", a)
    values, vectors = np.linalg.eigh(a._data, UPLO=UPLO)
    factors = (values, vectors)
    return return_types.linalg_eigh(EighValues.apply(a, factors, 0), EighVectors.apply(a, factors, 1))


def eigvalsh(a, UPLO="L"):  # noqa: N803
    return eigh(a, UPLO)[0]


# --- singular value decomposition ---------------------------------------------------------------
def _svd_backward(grad_u, grad_s, grad_vh, u, s, vh):
    """torch's svd_backward (reduced factors, distinct nonzero singular values): with
    E_ij = S_j^2 - S_i^2, dA = U [(skew(U^T gU) S + S skew(Vh gVh^T)) / E + diag(gS)] Vh, plus the
    parts of gU (m > n) or gVh (m < n) outside the span of U or V."""
    m, n = u.shape[-2], vh.shape[-1]
    if grad_s is not None:
        return u @ (grad_s.unsqueeze(-1) * vh)
    k = s.shape[-1]
    off = Tensor._wrap(~np.eye(k, dtype=bool, like=s._data))
    s2 = s * s
    gaps = (s2.unsqueeze(-2) - s2.unsqueeze(-1)).where(off, 1.0)
    if grad_u is not None:
        inner = (_skew(u.mT @ grad_u) * s.unsqueeze(-2) / gaps).where(off, 0.0)
        if m > n:
            scaled = grad_u / s.unsqueeze(-2)
            return (u @ inner + scaled - u @ (u.mT @ scaled)) @ vh
        return u @ inner @ vh
    inner = (s.unsqueeze(-1) * _skew(vh @ grad_vh.mT) / gaps).where(off, 0.0)
    if m < n:
        scaled = grad_vh / s.unsqueeze(-1)
        return u @ (inner @ vh + scaled - (scaled @ vh.mT) @ vh)
    return u @ inner @ vh


class _SvdFactor(BuiltinFunction):
    _name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, a, factors, index, full_matrices):
        ctx.save_for_backward(a)
        u, s, vh = factors
        k = s.shape[-1]
        ctx.factors, ctx.index = (u[..., :, :k], s, vh[..., :k, :]), index
        return factors[index]

    @staticmethod
    def backward(ctx, grad):
        u, s, vh = _factors(ctx, lambda t: svd(t, full_matrices=False))
        k = s.shape[-1]
        grads = [None, None, None]
        grads[ctx.index] = grad[..., :, :k] if ctx.index == 0 else grad[..., :k, :] if ctx.index == 2 else grad
        return _svd_backward(*grads, u, s, vh), None, None, None


class SvdU(_SvdFactor):
    """U of A = U diag(S) Vh (left singular vectors, each up to sign); backward: svd's with gU only"""


class SvdS(_SvdFactor):
    """S, descending; backward: U diag(gS) Vh"""


class SvdVh(_SvdFactor):
    """Vh (right singular vectors as rows, each up to sign); backward: svd's with gVh only"""


def svd(a, full_matrices=True):
    """A = U diag(S) Vh: U (m, m), S (k,), Vh (n, n), k = min(m, n); with ``full_matrices=False``
    U (m, k) and Vh (k, n). Gradients flow through the first k columns of U and rows of Vh."""
    _check("linalg.svd", a, square=False)
    factors = tuple(np.linalg.svd(a._data, full_matrices=full_matrices))
    return return_types.linalg_svd(*(cls.apply(a, factors, i, full_matrices)
                                     for i, cls in enumerate((SvdU, SvdS, SvdVh))))


def svdvals(a):
    _check("linalg.svdvals", a, square=False)
    factors = tuple(np.linalg.svd(a._data, full_matrices=False))
    return SvdS.apply(a, factors, 1, False)


# --- pseudoinverse and least squares ------------------------------------------------------------
def _pinv_array(x, rtol=None, atol=None):
    """A^+ = V diag(1/S) U^T over the singular values above max(atol, rtol * S_max);
    rtol defaults to max(m, n) * eps (torch's default when neither is given)."""
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else max(x.shape[-2:]) * np.finfo(x.dtype).eps
    largest = s[..., :1] if s.shape[-1] else s
    cutoff = np.maximum(atol or 0.0, rtol * largest)
    with np.errstate(divide="ignore"):
        inverse = np.where(s > cutoff, 1 / s, 0).astype(x.dtype)
    return np.swapaxes(vh, -1, -2) @ (inverse[..., :, None] * np.swapaxes(u, -1, -2))


def _pinv_backward(grad, pinv_a, a):
    """torch's pinv_backward (Golub & Pereyra 1973), arranged to multiply the smaller matrices."""
    m, n = a.shape[-2], a.shape[-1]
    pinv_ah, grad_h = pinv_a.mT, grad.mT
    if m <= n:
        k = grad_h @ pinv_a
        k_pinv_ah = k @ pinv_ah
        return -(pinv_a @ k).mT + k_pinv_ah - (a @ pinv_a) @ k_pinv_ah + (pinv_ah @ pinv_a) @ (grad_h - k @ a)
    k = pinv_a @ grad_h
    pinv_ah_k = pinv_ah @ k
    return -(k @ pinv_a).mT + (grad_h - a @ k) @ pinv_a @ pinv_ah + pinv_ah_k - pinv_ah_k @ pinv_a @ a


class Pinv(BuiltinFunction):
    """A^+, the Moore-Penrose pseudoinverse; backward: torch's pinv_backward (constant rank)"""

    _name = "LinalgPinvBackward0"

    @staticmethod
    def forward(ctx, a, rtol, atol):
        ctx.save_for_backward(a)
        out = _pinv_array(a._data, rtol, atol)
        ctx.save_output(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return _pinv_backward(grad, ctx.output, a), None, None


class LstsqSolution(BuiltinFunction):
    """X minimising ||A X - B|| (X = A^+ B, A of full rank); dA = pinv_backward(g B^T), dB = A^+T g"""

    _name = "LinalgLstsqBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _pinv_array(a._data) @ b._data

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        pinv_a = pinv(a)
        return (_pinv_backward(grad @ b.mT, pinv_a, a) if ctx.needs_input_grad[0] else None,
                pinv_a.mT @ grad if ctx.needs_input_grad[1] else None)


def pinv(a, *, atol=None, rtol=None, hermitian=False):
    _check("linalg.pinv", a, square=False)
    return Pinv.apply(a, rtol, atol)


def lstsq(a, b, rcond=None, *, driver=None):
    """Least squares: (solution, residuals, rank, singular_values) as torch's CPU default driver
    'gelsy' gives them: residuals and singular_values empty, rank of A. B may be a vector."""
    _check("linalg.lstsq", a, square=False)
    vector = b.ndim == a.ndim - 1
    solution = LstsqSolution.apply(a, b.unsqueeze(-1) if vector else b)
    empty = Tensor._wrap(np.zeros((0,), dtype=a.dtype.np, like=a._data))
    rank = Tensor._wrap(np.linalg.matrix_rank(a._data).astype(np.int64))
    return return_types.linalg_lstsq(solution.squeeze(-1) if vector else solution, empty, rank, empty)


# --- the torch.* forms (older signatures) -------------------------------------------------------
def torch_slogdet(a):
    """torch.slogdet: linalg.slogdet as a ``torch.return_types.slogdet``."""
    return return_types.slogdet(*slogdet(a))


def pinverse(a, rcond=1e-15):
    """torch.pinverse: pinv with singular values below rcond * S_max dropped."""
    return pinv(a, rtol=rcond)


def torch_qr(a, some=True):
    """torch.qr: linalg.qr, reduced (``some``) or complete."""
    return return_types.qr(*qr(a, "reduced" if some else "complete"))


def torch_svd(a, some=True, compute_uv=True):
    """torch.svd: (U, S, V) with V = Vh^T (not Vh); reduced when ``some``."""
    u, s, vh = svd(a, full_matrices=not some)
    return return_types.svd(u, s, vh.mT)


def cholesky_solve(b, lower, upper=False):
    """X with (L L^T) X = B given the Cholesky factor L (or U with ``upper``): two solves."""
    factor = lower.mT if upper else lower
    return solve(factor.mT, solve(factor, b))


def cholesky_inverse(lower, upper=False):
    """(L L^T)^-1 given the Cholesky factor L (or U with ``upper``)."""
    factor = lower.mT if upper else lower
    return inv(factor @ factor.mT)


def triangular_solve(b, a, upper=True, transpose=False, unitriangular=False):
    """torch.triangular_solve (deprecated): X with T X = B for T the upper (or lower) triangle of A
    (transposed, unit diagonal on request); returns (X, a copy of A)."""
    warnings.warn("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will be "
                  "removed in a future PyTorch release.\ntorch.linalg.solve_triangular has its arguments reversed "
                  "and does not return a copy of one of the inputs.\nX = torch.triangular_solve(B, A).solution\n"
                  "should be replaced with\nX = torch.linalg.solve_triangular(A, B).", UserWarning, stacklevel=2)
    x = solve_triangular(a.mT if transpose else a, b, upper=upper != transpose, unitriangular=unitriangular)
    return return_types.triangular_solve(x, a.clone())


def solve_triangular(a, b, *, upper, left=True, unitriangular=False):
    """X with T X = B (``left``) or X T = B, T the upper or lower triangle of A (unit diagonal when
    ``unitriangular``): the triangle is taken, then solved."""
    t = a.triu() if upper else a.tril()
    if unitriangular:
        t = t - diag_embed(t.diagonal(0, -2, -1)) + diag_embed(t.diagonal(0, -2, -1) * 0 + 1)
    return solve(t, b, left=left) if b.ndim != 1 else solve(t, b.unsqueeze(-1)).squeeze(-1)


def cholesky_ex(a, *, upper=False, check_errors=False):
    """(L, info): info 0 (a failure raises LinAlgError, as with check_errors)."""
    out = cholesky(a, upper=upper)
    return return_types.linalg_cholesky_ex(out, _info(a))


def inv_ex(a, *, check_errors=False):
    return return_types.linalg_inv_ex(inv(a), _info(a))


def solve_ex(a, b, *, left=True, check_errors=False):
    return return_types.linalg_solve_ex(solve(a, b, left=left), _info(a))


def _info(a):
    return Tensor._wrap(np.zeros(a.shape[:-2], dtype=np.int32, like=a._data))


def tensorinv(a, ind=2):
    """The inverse of ``a`` seen as a matrix (prod of the first ``ind`` dims) x (the rest)."""
    rows, cols = a.shape[:ind], a.shape[ind:]
    n = int(np.prod(rows))
    return inv(a.reshape(n, -1)).reshape(*cols, *rows)


def tensorsolve(a, b, dims=None):
    """X with tensordot(A, X, X.ndim) = B."""
    if dims is not None:
        a = a.movedim(dims, tuple(range(a.ndim - len(dims), a.ndim)))
    x_shape = a.shape[b.ndim:]
    return solve(a.reshape(b.numel(), -1), b.reshape(-1)).reshape(x_shape)

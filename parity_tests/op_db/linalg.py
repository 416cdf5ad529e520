"""Registry entries for torch.linalg (minigrad/ops/linalg_decompositions.py, linalg_functions.py).

Float32 error analysis: a backward-stable factorisation of an n x n matrix has relative error about
n * cond(A) * eps32, and its derivatives add a factor 1/gap (eigh: the smallest eigenvalue gap
relative to the scale; svd: the smallest gap of squared singular values). So every sample is built
well-conditioned from chosen spectra: cond(A) <= 5, relative gaps >= 0.2, n <= 5, which keeps those
errors near 5 * 5 * 5 * 1.2e-7 ~ 2e-5 relative, inside the default float32 bounds (rtol 1e-4; x10
for gradients). Finite differences (gradcheck, float64) need the same: a derivative that changes
fast near a singular point makes the difference quotient meaningless.

Eigenvectors and singular vectors are defined up to sign (LAPACK builds may pick either), so their
entries are compared through sign-invariant functions (squares, U diag(w) Vh); eigh and cholesky
read one triangle, so their inputs are symmetrised inside the function, as torch's own OpInfos do.
"""
import numpy as np

from . import OpInfo, Sample, Rng


def _orthogonal(rng, n, dtype):
    q, r = np.linalg.qr(rng.normal((n, n), "float64"))
    return q * np.sign(np.diag(r))


def _with_spectrum(rng, shape, singular_values, dtype):
    """U diag(s) V^T of ``shape`` (..., m, n) with the given singular values (random U, V)."""
    *batch, m, n = shape
    k = min(m, n)
    out = []
    for _ in range(int(np.prod(batch)) if batch else 1):
        u, v = _orthogonal(rng, m, dtype)[:, :k], _orthogonal(rng, n, dtype)[:, :k]
        out.append((u * np.asarray(singular_values[:k])) @ v.T)
    return np.asarray(np.stack(out).reshape(shape), dtype=dtype)


def _invertible(rng, shape, dtype):
    """cond = 4: singular values 4 .. 1, with a random sign of det."""
    return _with_spectrum(rng, shape, [4.0, 2.9, 2.0, 1.4, 1.0][:shape[-1]][::-1][::-1], dtype)


def _symmetric(rng, shape, dtype, values=(-2.0, -0.5, 1.0, 2.5, 4.0)):
    *batch, n, _ = shape
    out = []
    for _ in range(int(np.prod(batch)) if batch else 1):
        q = _orthogonal(rng, n, dtype)
        out.append((q * np.asarray(values[:n])) @ q.T)
    return np.asarray(np.stack(out).reshape(shape), dtype=dtype)


SPECTRUM = [4.0, 2.6, 1.7, 1.0, 0.8]


def _square(shapes=((4, 4), (2, 3, 3))):
    def samples(dtype):
        rng = Rng(70)
        for shape in shapes:
            yield Sample([_invertible(rng, shape, dtype)])
    return samples


def _rectangular(shapes=((4, 4), (5, 3), (3, 5), (2, 4, 3))):
    def samples(dtype):
        rng = Rng(71)
        for shape in shapes:
            yield Sample([_with_spectrum(rng, shape, SPECTRUM, dtype)])
    return samples


def _symmetric_samples(dtype):
    rng = Rng(72)
    for shape in ((4, 4), (2, 3, 3)):
        yield Sample([_symmetric(rng, shape, dtype)])


def _solve_samples(dtype):
    rng = Rng(73)
    yield Sample([_invertible(rng, (4, 4), dtype), rng.normal((4, 2), dtype)])
    yield Sample([_invertible(rng, (4, 4), dtype), rng.normal((4,), dtype)])
    yield Sample([_invertible(rng, (2, 3, 3), dtype), rng.normal((2, 3), dtype)])
    yield Sample([_invertible(rng, (2, 3, 3), dtype), rng.normal((3, 1), dtype)])


def _lstsq_samples(dtype):
    rng = Rng(74)
    yield Sample([_with_spectrum(rng, (5, 3), SPECTRUM, dtype), rng.normal((5, 2), dtype)])
    yield Sample([_with_spectrum(rng, (2, 4, 3), SPECTRUM, dtype), rng.normal((2, 4, 2), dtype)])


def _cholesky_samples(dtype):
    rng = Rng(75)
    for shape, kw in (((4, 4), {}), ((4, 4), {"upper": True}), ((2, 3, 3), {})):
        yield Sample([_with_spectrum(rng, shape, [1.5, 1.2, 1.0, 0.8], dtype)], kw)


def _spd(lib, a):
    """A A^T + I: symmetric positive-definite (cond <= (1.5^2 + 1) / (0.8^2 + 1) ~ 2)."""
    return a @ a.mT + lib.eye(a.shape[-1], dtype=a.dtype, device=a.device)


def _vector_norm_samples(dtype):
    rng = Rng(76)
    for kw in ({}, {"ord": 1}, {"ord": 3}, {"ord": float("inf")}, {"ord": float("-inf")}, {"ord": 0.5},
               {"dim": 1}, {"ord": 1, "dim": (0, 1), "keepdim": True}):
        yield Sample([rng.away_from_zero((3, 4), dtype)], kw)


def _matrix_norm_samples(dtype):
    rng = Rng(77)
    for ord_ in ("fro", "nuc", 2, -2, 1, -1, float("inf"), float("-inf")):
        yield Sample([_with_spectrum(rng, (4, 3), SPECTRUM, dtype)], {"ord": ord_})
    yield Sample([_with_spectrum(rng, (2, 4, 3), SPECTRUM, dtype)], {"ord": "fro", "keepdim": True})


def _norm_samples(dtype):
    rng = Rng(78)
    yield Sample([rng.normal((3, 4), dtype)], {})
    yield Sample([rng.normal((2, 3, 4), dtype)], {})
    yield Sample([rng.normal((3, 4), dtype)], {"ord": 1, "dim": 1})
    yield Sample([_with_spectrum(rng, (4, 3), SPECTRUM, dtype)], {"ord": 2})
    yield Sample([_with_spectrum(rng, (2, 4, 3), SPECTRUM, dtype)], {"ord": "nuc", "dim": (1, 2)})


def _cond_samples(ps):
    def samples(dtype):
        rng = Rng(79)
        for p in ps:
            yield Sample([_invertible(rng, (4, 4), dtype)], {"p": p} if p is not None else {})
    return samples


def _svd_weights(lib, u, vh):
    w = lib.tensor([1.0, -0.7, 0.4, 1.3, 0.2][:u.shape[-1]], dtype=u.dtype, device=u.device)
    return (u * w) @ vh


def _multi_dot_samples(dtype):
    rng = Rng(80)
    yield Sample([rng.normal((3, 4), dtype), rng.normal((4, 5), dtype), rng.normal((5, 2), dtype)])
    yield Sample([rng.normal((4,), dtype), rng.normal((4, 5), dtype), rng.normal((5,), dtype)])


OPS = [
    OpInfo("linalg.inv", lambda lib, a: lib.linalg.inv(a), _square()),
    OpInfo("inverse", lambda lib, a: a.inverse(), _square(((3, 3),))),
    OpInfo("linalg.det", lambda lib, a: lib.linalg.det(a), _square()),
    OpInfo("det", lambda lib, a: a.det(), _square(((3, 3),))),
    OpInfo("linalg.slogdet", lambda lib, a: lib.linalg.slogdet(a).logabsdet, _square()),
    OpInfo("slogdet", lambda lib, a: lib.slogdet(a)[1], _square(((3, 3),))),
    OpInfo("logdet", lambda lib, a: lib.logdet(_spd(lib, a)), _square()),
    OpInfo("linalg.solve", lambda lib, a, b: lib.linalg.solve(a, b), _solve_samples),
    OpInfo("linalg.cholesky", lambda lib, a, **kw: lib.linalg.cholesky(_spd(lib, a), **kw), _cholesky_samples),
    OpInfo("linalg.qr_Q", lambda lib, a: lib.linalg.qr(a).Q, _rectangular(((4, 4), (5, 3), (2, 4, 3)))),
    OpInfo("linalg.qr_R", lambda lib, a: lib.linalg.qr(a)[1], _rectangular(((4, 4), (5, 3), (2, 4, 3)))),
    OpInfo("linalg.eigh_values", lambda lib, a: lib.linalg.eigh(a + a.mT)[0], _symmetric_samples),
    OpInfo("linalg.eigh_vectors", lambda lib, a: lib.linalg.eigh(a + a.mT).eigenvectors ** 2, _symmetric_samples),
    OpInfo("linalg.eigvalsh", lambda lib, a: lib.linalg.eigvalsh(a + a.mT), _symmetric_samples),
    OpInfo("linalg.svd_S", lambda lib, a: lib.linalg.svd(a)[1], _rectangular()),
    OpInfo("linalg.svd_U", lambda lib, a: lib.linalg.svd(a, full_matrices=False).U ** 2, _rectangular()),
    OpInfo("linalg.svd_Vh", lambda lib, a: lib.linalg.svd(a, full_matrices=False).Vh ** 2, _rectangular()),
    OpInfo("linalg.svd_UVh", lambda lib, a: _svd_weights(lib, *lib.linalg.svd(a, full_matrices=False)[::2]),
           _rectangular()),
    OpInfo("linalg.svd_full", lambda lib, a: lib.linalg.svd(a)[0][..., :, :2] ** 2, _rectangular(((5, 3),))),
    OpInfo("linalg.svdvals", lambda lib, a: lib.linalg.svdvals(a), _rectangular()),
    OpInfo("linalg.pinv", lambda lib, a: lib.linalg.pinv(a), _rectangular()),
    OpInfo("pinverse", lambda lib, a: a.pinverse(), _rectangular(((5, 3),))),
    OpInfo("linalg.lstsq", lambda lib, a, b: lib.linalg.lstsq(a, b).solution, _lstsq_samples),
    OpInfo("linalg.vector_norm", lambda lib, a, **kw: lib.linalg.vector_norm(a, **kw), _vector_norm_samples),
    OpInfo("linalg.matrix_norm", lambda lib, a, **kw: lib.linalg.matrix_norm(a, **kw), _matrix_norm_samples),
    OpInfo("linalg.norm", lambda lib, a, **kw: lib.linalg.norm(a, **kw), _norm_samples),
    OpInfo("linalg.cond", lambda lib, a, **kw: lib.linalg.cond(a, **kw), _cond_samples((None, -2))),
    # torch's backward of ||A||_p * ||A^-1||_p fails ("modified by an inplace operation": it fills
    # its inverse in place), so only the values are compared here; test_breadth_ops.py gradchecks ours
    OpInfo("linalg.cond_p", lambda lib, a, **kw: lib.linalg.cond(a, **kw), _cond_samples(("fro", 1, float("inf"))),
           supports_grad=False),
    OpInfo("linalg.multi_dot", lambda lib, *ts: lib.linalg.multi_dot(ts), _multi_dot_samples),
    OpInfo("linalg.vecdot", lambda lib, a, b: lib.linalg.vecdot(a, b), lambda dtype: iter([
        Sample([Rng(81).normal((3, 4), dtype), Rng(82).normal((4,), dtype)])])),
    OpInfo("linalg.matrix_power", lambda lib, a, **kw: lib.linalg.matrix_power(a, **kw), lambda dtype: iter([
        Sample([_invertible(Rng(83), (3, 3), dtype)], {"n": n}) for n in (1, 3, -2)])),
]

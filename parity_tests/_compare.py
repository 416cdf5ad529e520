"""Helpers to run the same torch-API code on torch and on minigrad and compare the results.

Tolerance policy
================
minigrad (NumPy) and torch (ATen) evaluate the same formulas with different kernels, so their float
results differ in the last bits, and *which* bits depends on the kernels each library picks on the
machine it runs on (torch: ``ATEN_CPU_CAPABILITY`` default/avx2/avx512; NumPy: its SIMD dispatch).
The differences come from four sources:

1. accumulation order: reductions and matmuls sum in SIMD lanes, blocks or pairs, in another order;
2. fused multiply-add: torch's AVX2/AVX-512 kernels round ``a * b + c`` once, NumPy twice;
3. math libraries: exp/log/tanh/erf come from SLEEF, glibc or NumPy's SIMD code, each within a few
   ulps of the true value but not the same ulps;
4. equal algebra, other formula: ``lerp``'s two branches, ``x * (y / z)`` against ``x * y / z``.

A float32 comparison is therefore a bound on ``|ours - torch|`` *derived from the computation*, and
the test writes the derivation next to the bound. No bound is a number tuned until the test passed on
one machine. With ``eps = eps(float32) = 2**-23`` (one ulp at 1.0) and "n ulps of m" = ``n * eps * |m|``:

* **Elementwise chains** (:func:`elementwise_rtol`): each basic operation (+ - * / sqrt) is correctly
  rounded, so two implementations differ by at most 1 ulp of its result; a math-library function by at
  most ``LIBM_ULPS`` = 4 ulps (both libraries' errors together). A chain of ``ops`` such steps differs by
  ``ops * LIBM_ULPS`` ulps of the result (relative bound), as long as no step cancels.
* **Sums and differences of nearly equal terms** (:func:`cancellation_bound`): ``a - b`` with
  ``a ~ b`` is computed exactly from rounded inputs, so the inputs' rounding errors -- ulps of the
  *terms* -- survive while the result shrinks. The bound is in ulps of the terms' magnitude, never of
  the result: centered RMSprop's ``square_avg - grad_avg**2``, a variance ``E[x**2] - E[x]**2``, a
  softmax denominator, an exponential moving average of gradients that change sign.
* **Reductions and matmuls** (:func:`accumulation_bound`): any summation order of ``k`` terms ``t_i``
  is within ``(k - 1) * eps/2 * sum|t_i|`` of the exact sum (to first order; Higham, *Accuracy and
  Stability of Numerical Algorithms*, 2nd ed., section 4.2); two orders differ by at most ``k * eps * sum|t_i|``. For a
  matmul ``A @ B`` the terms' magnitude is ``|A| @ |B|`` and ``k`` the inner dimension. Note the
  bound grows with ``k`` and is relative to ``sum|t_i|``, not to the (possibly cancelled) result.
* **Iterations** (:func:`trajectory_bound`): an optimizer trajectory, running statistics, a training
  loop. If one step adds at most ``per_step`` and does not expand an existing difference (the test
  chooses settings where training is not chaotic), ``steps`` steps differ by at most
  ``steps * per_step``. ``per_step`` is itself one of the bounds above (typically one ulp of the
  parameter plus the accumulation bound of the update).

Where the terms are not at hand (a whole layer or loss, forward and backward), a tensor's largest
element stands in for its elements' terms (:func:`tensor_bound`): the ``ops``-step elementwise bound
of each element plus the ``n_terms`` accumulation bound in ulps of ``max|expected|`` (normwise).
Elements that come out small by cancellation are then measured in ulps of the tensor's scale, as they
should be; this holds when a tensor's elements are computed from terms of one scale (one layer, one
batch of data).

Training loops (:func:`tracked_step` records what they need): :func:`optimizer_step_bound` is the
per-step bound of an optimizer step, :func:`loss_bound` that of a loss evaluated along the trajectory.
Where every intermediate value is exactly representable (small integers, halves, a count divided
once), the results are equal and the test says so and compares them exactly.

A computation built from several of these adds their bounds (first order). The helpers take the
dtype, so the same derivation gives float64 bounds ~5e8 times tighter; float64 comparisons stay
tight (they catch formula mistakes that a float32 bound could hide), and bit-exact comparisons
(RNG replays, copies, ``state_dict`` round trips) stay exact: ``np.testing.assert_array_equal``.

Kernel paths
============
A test that replays one torch kernel bit for bit (``minigrad.random`` replays the RNG kernels of
torch's AVX2 build) checks which kernel torch runs (:func:`torch_kernel_build`) and is skipped, with a
reason naming that kernel, when torch runs another one (:func:`skip_unless_avx2_rng`). It never fails
because the CPU differs. ``parity_tests/isa_matrix.sh`` runs the suite under every kernel set.

Comparing: :func:`assert_within` (``|ours - torch| <= bound``, any bound array),
:func:`assert_float_close` (float32 by :func:`tensor_bound`, float64 by the test's tight fixed
tolerances), :func:`assert_close` (``atol``/``rtol`` as NumPy's). The op registry's per-entry
``OpInfo.atol/rtol`` (``tolerances``) predate this policy.
"""
import numpy as np
import pytest
import torch

import minigrad

#: The most two math-library implementations (SLEEF, glibc, NumPy's SIMD loops) of one float
#: function (exp, log, log1p, tanh, erf, sin, ...) differ by, in ulps of the result: each is within
#: a few ulps of the exact value (SLEEF's u10 functions 1.0 ulp; NumPy's float32 SIMD exp/log
#: were released with maximum errors of 2.52 and 3.83 ulps, its sin/cos 1.49).
LIBM_ULPS = 4


def eps(dtype="float32"):
    """Machine epsilon (spacing of the floats at 1.0) of a NumPy/torch/minigrad float dtype or its name."""
    try:
        return float(np.finfo(dtype).eps)
    except (TypeError, ValueError):  # torch.float32, minigrad.float32, "torch.float32"
        name = str(dtype).replace("torch.", "").replace("minigrad.", "")
        return float(np.finfo(np.dtype(name)).eps)


def ulps(n, magnitude=1.0, dtype="float32"):
    """``n`` ulps of ``magnitude`` (array or scalar): ``n * eps(dtype) * |magnitude|``."""
    return n * eps(dtype) * np.abs(np.asarray(magnitude, dtype=np.float64))


def elementwise_rtol(ops, dtype="float32", ulps_per_op=LIBM_ULPS):
    """Relative bound for a chain of ``ops`` elementwise steps none of which cancels (policy: "Elementwise
    chains"): ``ops * ulps_per_op * eps``. Use ``ulps_per_op=1`` for chains of + - * / sqrt only."""
    return ops * ulps_per_op * eps(dtype)


def cancellation_bound(*terms, ulps=LIBM_ULPS, dtype="float32"):
    """Absolute bound for a sum or difference of ``terms`` (arrays broadcast; pass the terms, not the
    result): ``ulps`` ulps of ``sum|term|``. The result of ``v - g**2`` with ``v ~ g**2`` may be tiny;
    its error is still ulps of ``v``."""
    return ulps * eps(dtype) * sum(np.abs(np.asarray(t, dtype=np.float64)) for t in terms)


def accumulation_bound(n_terms, abs_sum, dtype="float32"):
    """Absolute bound for a reduction or matmul of ``n_terms`` terms whose absolute values sum to
    ``abs_sum`` (array or scalar; ``|A| @ |B|`` for a matmul), summed in any order by either side:
    ``n_terms * eps * abs_sum`` (twice Higham's ``gamma_(k-1)`` bound; policy: "Reductions")."""
    return n_terms * eps(dtype) * np.abs(np.asarray(abs_sum, dtype=np.float64))


def tensor_bound(expected, n_terms=1, ops=1, dtype="float32", scale=None):
    """Bound (an array like ``expected``) for a tensor computed through ``n_terms`` accumulated terms
    and ``ops`` math-library steps, when the terms are not at hand (policy): each element's
    ``elementwise_rtol(ops)`` plus ``accumulation_bound(n_terms, scale)``, ``scale`` being the terms'
    magnitude: by default ``max|expected|``; pass it when the whole tensor is a cancellation (the
    gradient of a bias that a BatchNorm follows is a sum of per-row gradients that cancels to ~0)."""
    values = np.abs(numpy_of(expected).astype(np.float64))
    if scale is None:
        finite = values[np.isfinite(values)]
        scale = finite.max() if finite.size else 0.0
    return elementwise_rtol(ops, dtype) * np.where(np.isfinite(values), values, 0.0) + \
        accumulation_bound(n_terms, scale, dtype)


def trajectory_bound(per_step, steps):
    """Bound after ``steps`` iterations that each add at most ``per_step`` to the difference and do
    not expand it (a non-chaotic optimizer trajectory, running statistics): ``steps * per_step``."""
    return steps * np.asarray(per_step, dtype=np.float64)


# --- training loops ----------------------------------------------------------------------------------
#: Roundings in one optimizer update: weight decay, two moving averages, bias corrections, sqrt, eps, /.
UPDATE_OPS = 8


def optimizer_step_bound(param_scale, update_scale, batch):
    """What one float32 optimizer step may add to the difference between the libraries (policy:
    "Iterations"): 1 ulp of the parameters' magnitude for ``p - update``, plus the update's own error,
    ``batch`` accumulated gradient terms (the batch's rows, the layers' inputs) and ``UPDATE_OPS``
    roundings, in ulps of the largest update (``record["update"]`` of :func:`tracked_step`).
    Centered RMSprop's ``square_avg - grad_avg**2`` cancels: its error is in ulps of the terms, the
    update's magnitude, which this bound already uses."""
    return ulps(1, param_scale) + ulps(batch + UPDATE_OPS, update_scale)


def loss_bound(losses, n_terms, grad_l1, params_bound):
    """Bound for a float32 loss history: each loss is a mean of non-negative terms (squared residuals,
    cross-entropies), found
    through ``n_terms`` accumulated terms in all (``accumulation_bound``, the loss itself being the
    terms' sum), evaluated at parameters off by up to ``params_bound`` (per step), which moves the
    loss by at most ``|grad|_1 * params_bound`` (first order; ``grad_l1`` per step)."""
    losses = np.abs(np.asarray(losses, dtype=np.float64))
    return accumulation_bound(n_terms, losses) + np.asarray(grad_l1) * np.asarray(params_bound)


def tracked_step(opt, params, loss_fn, record):
    """One step (zero_grad, ``loss_fn().backward()``, ``opt.step()``) that appends to ``record`` (a
    ``collections.defaultdict(list)``) what the float32 bounds need: the loss (``"losses"``), the l1
    norm of the gradient (``"grad_l1"``) and the largest change of any parameter element so far
    (``"update"``); returns the loss."""
    before = [p.detach().cpu().numpy().copy() for p in params]
    opt.zero_grad()
    loss = loss_fn()
    loss.backward()
    record["grad_l1"].append(sum(float(np.abs(p.grad.cpu().numpy()).sum()) for p in params if p.grad is not None))
    opt.step()
    changes = [np.abs(p.detach().cpu().numpy() - b).max(initial=0.0) for p, b in zip(params, before)]
    record["update"] = max([record.get("update", 0.0)] + changes)
    record["losses"].append(loss.item())
    return loss


# --- kernel paths ------------------------------------------------------------------------------------
def torch_cpu_capability():
    """The kernel set torch dispatches to on this CPU: 'DEFAULT', 'AVX2', 'AVX512' (x86), ...; set by
    the CPU or by ATEN_CPU_CAPABILITY at torch's start."""
    return torch.backends.cpu.get_cpu_capability()


def torch_kernel_build():
    """Which build of torch's CPU kernels runs for kernels that register no AVX-512 version (the
    random kernels, linspace/arange): 'AVX2' under the AVX2 capability and under AVX512 (torch's
    DispatchStub falls back to the AVX2 kernel: ``REGISTER_DISPATCH`` in ATen/native/DispatchStub.h),
    else the capability's own build (e.g. 'DEFAULT': scalar code, ``a * b + c`` rounded twice, scalar
    Box-Muller instead of ``normal_fill_16_AVX2``)."""
    capability = torch_cpu_capability()
    return "AVX2" if capability in ("AVX2", "AVX512") else capability


def skip_unless_avx2_rng(what):
    """A skipif mark for a test that replays, bit for bit, ``what`` from torch's AVX2-build random
    kernels (minigrad.random's recipe): skipped, naming the kernel torch runs, where that differs."""
    kernels = torch_kernel_build()
    return pytest.mark.skipif(
        kernels != "AVX2",
        reason=f"replays torch's AVX2-build RNG kernels ({what}); torch runs its {kernels} build here "
               f"(CPU capability {torch_cpu_capability()})")


# --- running and comparing ---------------------------------------------------------------------------
def to_lib(lib, x, requires_grad=False, device="cpu"):
    """A NumPy array as a tensor of ``lib`` (other values pass through unchanged)."""
    if not isinstance(x, np.ndarray):
        return x
    t = lib.tensor(x, device=device)
    return t.requires_grad_(True) if requires_grad else t


def numpy_of(t):
    """A tensor (minigrad or torch, any device) or array as a NumPy array."""
    if isinstance(t, torch.Tensor) and t._is_zerotensor():
        return np.zeros(tuple(t.shape), dtype=str(t.dtype).replace("torch.", ""))
    if isinstance(t, (torch.Tensor, minigrad.Tensor)):
        return t.detach().cpu().numpy()
    return np.asarray(t)


def assert_close(actual, expected, atol=1e-5, rtol=1e-4, what="value"):
    """minigrad tensor ``actual`` equals torch tensor ``expected``: shape, dtype and values
    (``|a - e| <= atol + rtol * |e|``, nan where torch has nan). Derive ``atol``/``rtol`` from the
    computation (module docstring); the defaults are the op registry's (op_db) float32 ones."""
    assert tuple(actual.shape) == tuple(expected.shape), \
        f"{what}: shape {tuple(actual.shape)} != {tuple(expected.shape)}"
    assert repr(actual.dtype) == repr(expected.dtype), f"{what}: dtype {actual.dtype} != {expected.dtype}"
    np.testing.assert_allclose(numpy_of(actual), numpy_of(expected), atol=atol, rtol=rtol, equal_nan=True,
                               err_msg=what)


def assert_within(actual, expected, bound, what="value"):
    """``|actual - expected| <= bound`` elementwise (``bound`` broadcasts: a number or an array from
    the helpers above); nan and infinities must be in the same places. ``actual``/``expected`` are
    tensors of either library or arrays; tensors must also agree in shape and dtype."""
    if hasattr(actual, "dtype") and hasattr(expected, "dtype") and not isinstance(actual, np.ndarray):
        assert repr(actual.dtype) == repr(expected.dtype), f"{what}: dtype {actual.dtype} != {expected.dtype}"
    a, e = numpy_of(actual).astype(np.float64), numpy_of(expected).astype(np.float64)
    assert a.shape == e.shape, f"{what}: shape {a.shape} != {e.shape}"
    bound = np.broadcast_to(np.asarray(bound, dtype=np.float64), e.shape)
    assert (np.isnan(a) == np.isnan(e)).all(), f"{what}: nan in other places:\n{a}\n{e}"
    infinite = np.isinf(e) | np.isinf(a)
    assert (a[infinite] == e[infinite]).all(), f"{what}: infinities differ:\n{a}\n{e}"
    finite = np.isfinite(e) & np.isfinite(a)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf where not finite: masked out
        excess = np.where(finite, np.abs(a - e) - bound, -np.inf)
    if excess.size and excess.max() > 0:
        i = np.unravel_index(np.argmax(excess), e.shape)
        n_bad = int((excess > 0).sum())
        raise AssertionError(f"{what}: {n_bad} of {e.size} elements beyond the bound; worst at {list(i)}: "
                             f"ours {a[i]!r}, torch {e[i]!r}, |diff| {abs(a[i] - e[i]):.3g} > bound {bound[i]:.3g}")


def assert_float_close(actual, expected, n_terms, ops, float64_tol, what="value", scale=None):
    """The usual parity check: float32 (and lower) values within ``tensor_bound(expected, n_terms, ops,
    scale=scale)``; float64 values within the test's fixed tight ``float64_tol = (atol, rtol)``."""
    if "float64" in str(expected.dtype):
        assert_close(actual, expected, *float64_tol, what=what)
    else:
        assert_within(actual, expected, tensor_bound(expected, n_terms, ops, expected.dtype, scale), what)


def outcome(fn, lib):
    """(exception type, message) that ``fn(lib)`` raises, or (None, None); warnings are silenced."""
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(lib)
    except Exception as exc:  # noqa: BLE001 - the exception is what is compared
        return type(exc), str(exc)
    return None, None


def tolerances(op, dtype):
    """(atol, rtol) of an op registry entry (``OpInfo.atol/rtol`` are float32's) for ``dtype``."""
    if dtype == "float64":
        return op.atol * 1e-5, op.rtol * 1e-5
    return op.atol, op.rtol


LIBS = (minigrad, torch)

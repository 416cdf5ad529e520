"""``torch.randn`` / ``Tensor.normal_`` / ``torch.normal``: torch's two Box-Muller code paths,
per element for fewer than 16 values and per block of 16 (AVX2 float32 or C-library float64)."""

import math

import numpy as np

from ._arguments import float_dtype, fmt, numel
from ._avx2_math import log256, sincos256
from ._engine import to_uniform24, to_uniform53
from ._fma import fma32, fma64
from ._libm import glibc_log
from ._parallel import map_chunks, quiet


@quiet
def normal(engine, shape, dtype, mean, std):
    """``torch.randn`` / ``Tensor.normal_(mean, std)``: Box-Muller, two torch code paths.

    * fewer than 16 elements: per element, from two float64 uniforms ``u1, u2``:
      ``r = sqrt(-2 log1p(-u2))``, ``z = r cos(2 pi u1)`` and ``r sin(2 pi u1)`` is
      cached in the generator for the next element (of any later call);
      ``x = fma(z, std, mean)``.
    * 16 or more: fill with uniforms, then per block of 16 (``j < 8``)
      ``r = sqrt(-2 log(1 - u[j]))``, ``t = 2 pi u[j + 8]``,
      ``x[j] = fma(r cos t, std, mean)``, ``x[j + 8] = fma(r sin t, std, mean)``;
      a size that is not a multiple of 16 redoes the last 16 from 16 fresh uniforms.
      float32 uses torch's AVX2 kernel, float64 the C library."""
    dtype = float_dtype(dtype, "normal_kernel_cpu")
    _check_std(std)
    n = numel(shape)
    if n < 16:
        return _normal_few(engine, n, dtype, mean, std).reshape(shape)
    if dtype == np.float32:
        return _normal_fill(n, dtype, engine.random, box_muller_avx2, mean, std).reshape(shape)
    if dtype == np.float64:
        return _normal_fill(n, dtype, engine.random64, _box_muller_libm, mean, std).reshape(shape)
    raise NotImplementedError(f"normal: {dtype.name} tensors of 16 or more elements are "
                              "not supported (torch uses a separate half-precision kernel)")


def _normal_few(engine, n, dtype, mean, std):
    """The per-element path (with the cached second value); see ``normal``."""
    z = np.empty(n)
    for i in range(n):
        if engine.normal_cache is not None:
            z[i], engine.normal_cache = engine.normal_cache, None
            continue
        u1, u2 = engine.uniform53(2)
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        z[i] = radius * math.cos(theta)
        engine.normal_cache = radius * math.sin(theta)
    return fma64(z, std, mean).astype(dtype)


def _normal_fill(n, dtype, draw, box_muller, mean, std):
    """torch's ``normal_fill``: ``n`` uniforms, Box-Muller per 16, and if ``n % 16`` the
    last 16 outputs again from 16 fresh uniforms. ``box_muller`` maps raw draws of
    ``draw`` (a multiple of 16) to normals."""
    draws = draw(n)
    tail = draw(16) if n % 16 else None
    full = n - n % 16
    out = np.empty(n, dtype)
    map_chunks(lambda chunk: box_muller(chunk, mean, std), draws[:full], out[:full])
    if tail is not None:
        out[n - 16:] = box_muller(tail, mean, std)
    return out


def box_muller_avx2(words, mean, std):
    """torch's ``normal_fill_16_AVX2`` (float32) on raw 32-bit draws (a multiple of 16):
    per block of 16 uniforms, ``r = sqrt(-2 log(1 - u[j]))``, ``t = float32(2 pi) * u[j + 8]``,
    ``x[j] = fma(r cos t, std, mean)``, ``x[j + 8] = fma(r sin t, std, mean)``, all in float32
    with torch's AVX2 ``log256_ps``/``sincos256_ps`` (``log256``, ``sincos256``)."""
    blocks = to_uniform24(words).reshape(-1, 2, 8)
    radius = np.sqrt(np.float32(-2) * log256(np.float32(1) - blocks[:, 0]))
    sin, cos = sincos256(np.float32(2 * math.pi) * blocks[:, 1])
    out = np.empty_like(blocks)
    out[:, 0] = fma32(radius * cos, np.float32(std), np.float32(mean))
    out[:, 1] = fma32(radius * sin, np.float32(std), np.float32(mean))
    return out.reshape(-1)


def _box_muller_libm(words64, mean, std):
    """torch's scalar ``normal_fill_16<double>`` on raw 64-bit draws (a multiple of 16):
    the same formulas in float64 with the C library's ``log``, ``cos`` and ``sin``."""
    blocks = to_uniform53(words64).reshape(-1, 2, 8)
    radius = np.sqrt(-2.0 * glibc_log(1.0 - blocks[:, 0]))
    theta = 2.0 * math.pi * blocks[:, 1]
    out = np.empty_like(blocks)
    out[:, 0] = fma64(radius * np.cos(theta), std, mean)    # numpy's float64 cos and sin
    out[:, 1] = fma64(radius * np.sin(theta), std, mean)    # call the C library
    return out.reshape(-1)


@quiet
def normal_arrays(engine, mean, std, dtype):
    """``torch.normal(mean, std)`` with a tensor mean and/or std (broadcast together).

    torch draws standard normals for the broadcast shape and then applies two separate
    roundings: ``normal(0, 1) * std + mean``; with a float ``std`` it draws
    ``normal(0, std)`` and then adds ``mean``."""
    dtype = np.dtype(dtype)
    if np.ndim(std) == 0 and not isinstance(std, np.ndarray):
        _check_std(std)
        shape = np.shape(mean)
        return (normal(engine, shape, dtype, 0.0, std) + _as_operand(mean, dtype)).astype(dtype)
    std = np.asarray(std)
    if std.size and not std.min() >= 0:
        raise RuntimeError("normal expects all elements of std >= 0.0")
    shape = np.broadcast_shapes(np.shape(mean), std.shape)
    out = (normal(engine, shape, dtype, 0.0, 1.0) * _as_operand(std, dtype)).astype(dtype)
    return (out + _as_operand(mean, dtype)).astype(dtype)


def _check_std(std):
    """torch's check on a scalar standard deviation."""
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {fmt(std)}")


def _as_operand(value, dtype):
    """A Python float or a 0-d array enters torch arithmetic in the result's dtype (it does
    not promote); an array with dimensions keeps its own dtype."""
    if np.ndim(value) == 0:
        return dtype.type(value)
    return value

"""``Tensor.bernoulli_`` / ``torch.bernoulli``: one uniform per element compared with ``p``."""

import numpy as np

from ._arguments import TORCH_NAME, fmt, numel


def bernoulli(engine, p, shape, dtype):
    """``Tensor.bernoulli_(p)`` (float p) or ``torch.bernoulli(p_tensor)`` (array p).

    Float p: one float64 uniform per element, ``x = u < p``. Array p (broadcast to
    ``shape``): float64 p uses float64 uniforms, float32/float16 p uses float32 uniforms
    (``random()``, 24 bits) compared in float32."""
    dtype = np.dtype(dtype)
    if np.ndim(p) == 0 and not isinstance(p, np.ndarray):
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={fmt(p)}")
        return (engine.uniform53(numel(shape)) < p).astype(dtype).reshape(shape)
    p = np.asarray(p)
    if p.dtype.kind != "f":
        raise NotImplementedError('"bernoulli_tensor_cpu_p_" not implemented for '
                                  f"'{TORCH_NAME.get(p.dtype.name, p.dtype.name)}'")
    p = np.broadcast_to(p, p.shape if shape is None else shape).reshape(-1)
    uniforms = engine.uniform53 if p.dtype == np.float64 else engine.uniform24
    bad = np.flatnonzero(~((p >= 0) & (p <= 1)))
    if bad.size:
        uniforms(int(bad[0]))          # torch fails mid-kernel, after the earlier draws
        raise RuntimeError(
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
            "message be improved?  If so, please report an enhancement request to PyTorch.)")
    compare_type = np.float64 if p.dtype == np.float64 else np.float32
    out = uniforms(p.size) < p.astype(compare_type)
    return out.astype(dtype).reshape(p.shape if shape is None else shape)

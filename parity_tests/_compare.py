"""Helpers to run the same torch-API code on torch and on minigrad and compare the results."""
import numpy as np
import torch

import minigrad


def to_lib(lib, x, requires_grad=False, device="cpu"):
    """A NumPy array as a tensor of ``lib`` (other values pass through unchanged)."""
    if not isinstance(x, np.ndarray):
        return x
    t = lib.tensor(x, device=device)
    return t.requires_grad_(True) if requires_grad else t


def numpy_of(t):
    if isinstance(t, torch.Tensor) and t._is_zerotensor():
        return np.zeros(tuple(t.shape), dtype=str(t.dtype).replace("torch.", ""))
    return t.detach().cpu().numpy()


def assert_close(actual, expected, atol=1e-5, rtol=1e-4, what="value"):
    """minigrad tensor ``actual`` equals torch tensor ``expected``: shape, dtype and values."""
    assert tuple(actual.shape) == tuple(expected.shape), f"{what}: shape {tuple(actual.shape)} != {tuple(expected.shape)}"
    assert repr(actual.dtype) == repr(expected.dtype), f"{what}: dtype {actual.dtype} != {expected.dtype}"
    np.testing.assert_allclose(numpy_of(actual), numpy_of(expected), atol=atol, rtol=rtol, equal_nan=True,
                               err_msg=what)


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
    if dtype == "float64":
        return op.atol * 1e-5, op.rtol * 1e-5
    return op.atol, op.rtol


LIBS = (minigrad, torch)

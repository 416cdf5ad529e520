"""Numerical gradient checks: compare autograd's Jacobian with central finite differences.

``gradcheck`` perturbs each input element by +-eps (float64) and checks every column of the
numerical Jacobian against the analytical one obtained by backpropagating unit vectors.
``gradgradcheck`` does the same for the function ``(inputs, v) -> grad(f(inputs), inputs, v)``.
"""
import warnings

import numpy as np

from ..factories import randn
from ..random import Generator
from ..tensor import _wrap
from .engine import grad as autograd_grad


class GradcheckError(RuntimeError):
    pass


def _inputs_requiring_grad(inputs):
    return [i for i, x in enumerate(inputs) if getattr(x, "_requires_grad", False)]


def _outputs(fn, inputs):
    out = fn(*inputs)
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _flat_outputs(fn, inputs):
    return np.concatenate([o._data.astype(np.float64).ravel() for o in _outputs(fn, inputs)] or [np.zeros(0)])


def _numerical_jacobian(fn, inputs, index, eps):
    """d(all outputs)/d(inputs[index]) by central differences: one column per input element.
    (fn runs with grad mode on: it may itself use autograd, as gradgradcheck's does.)"""
    flat = inputs[index]._data.reshape(-1)
    base = _flat_outputs(fn, inputs)
    jacobian = np.zeros((base.size, flat.size))
    for k in range(flat.size):
        orig = flat[k]
        flat[k] = orig + eps
        plus = _flat_outputs(fn, inputs)
        flat[k] = orig - eps
        minus = _flat_outputs(fn, inputs)
        flat[k] = orig
        jacobian[:, k] = (plus - minus) / (2 * eps)
    return jacobian


def _analytical_jacobian(fn, inputs, index):
    """The same Jacobian from autograd: one backward pass per output element (a row each)."""
    x = inputs[index]
    rows = []
    for out in _outputs(fn, inputs):
        for k in range(out._data.size):
            row = np.zeros(x._data.size)
            if out._requires_grad:
                seed = np.zeros(out._data.size, dtype=out._data.dtype)
                seed[k] = 1
                g, = autograd_grad([out], [x], [_wrap(seed.reshape(out._data.shape))], retain_graph=True,
                                   allow_unused=True)
                if g is not None:
                    row = g._data.astype(np.float64).ravel()
            rows.append(row)
    return np.stack(rows) if rows else np.zeros((0, x._data.size))


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **_):
    """True when autograd's gradients of ``fn`` at ``inputs`` match finite differences."""
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    for index in _inputs_requiring_grad(inputs):
        if inputs[index].dtype.name != "float64":
            warnings.warn("Input #%d requires gradient and is not a double precision floating point. "
                          "This check will likely fail if all the inputs are not of double precision "
                          "floating point. " % index, UserWarning, stacklevel=2)
        numerical = _numerical_jacobian(fn, inputs, index, eps)
        analytical = _analytical_jacobian(fn, inputs, index)
        if numerical.shape != analytical.shape or not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
            if raise_exception:
                raise GradcheckError(f"Jacobian mismatch for output 0 with respect to input {index},\n"
                                     f"numerical:{numerical}\nanalytical:{analytical}\n")
            return False
    return True


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **_):
    """gradcheck of the first derivative: checks double backward against finite differences."""
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    outs = _outputs(fn, inputs)
    if grad_outputs is None:
        gen = Generator().manual_seed(0)
        grad_outputs = [randn(o.shape, dtype=o.dtype, generator=gen).requires_grad_() for o in outs]
    grad_outputs = list(grad_outputs)
    diff = _inputs_requiring_grad(inputs)
    n = len(inputs)

    def first_derivative(*args):
        xs, vs = args[:n], args[n:]
        outputs = [o for o in _outputs(fn, xs) if o._requires_grad]
        grads = autograd_grad(outputs, [xs[i] for i in diff], list(vs[:len(outputs)]), create_graph=True,
                              allow_unused=True)
        return tuple(g if g is not None else xs[i]._wrap_like(np.zeros_like(xs[i]._data)) for g, i in zip(grads, diff))

    return gradcheck(first_derivative, inputs + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)

"""Numerical gradient checks: compare autograd's Jacobian with central finite differences.

``gradcheck`` perturbs each input element by +-eps (float64) and checks every column of the
numerical Jacobian against the analytical one obtained by backpropagating unit vectors.
``gradgradcheck`` does the same for the function ``(inputs, v) -> grad(f(inputs), inputs, v)``.
"""
import numpy as np

from .grad_mode import no_grad


class GradcheckError(RuntimeError):
    pass


def _inputs_requiring_grad(inputs):
    return [i for i, x in enumerate(inputs) if getattr(x, "_requires_grad", False)]


def _outputs(fn, inputs):
    out = fn(*inputs)
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _numerical_jacobian(fn, inputs, index, eps):
    """d(all outputs)/d(inputs[index]) by central differences, one column per input element."""
    x = inputs[index]
    flat = x._data.reshape(-1)
    columns = []
    for k in range(flat.size):
        orig = flat[k]
        with no_grad():
            flat[k] = orig + eps
            plus = [o._data.astype(np.float64).ravel().copy() for o in _outputs(fn, inputs)]
            flat[k] = orig - eps
            minus = [o._data.astype(np.float64).ravel().copy() for o in _outputs(fn, inputs)]
            flat[k] = orig
        columns.append(np.concatenate([(p - m) / (2 * eps) for p, m in zip(plus, minus)]))
    return np.stack(columns, axis=1) if columns else np.zeros((0, 0))


def _analytical_jacobian(fn, inputs, index):
    from . import grad as autograd_grad
    outs = [o for o in _outputs(fn, inputs)]
    rows = []
    for o_index, out in enumerate(outs):
        for k in range(out._data.size):
            seed = np.zeros(out._data.size, dtype=out._data.dtype)
            seed[k] = 1
            if not out._requires_grad:
                rows.append(np.zeros(inputs[index]._data.size))
                continue
            from ..tensor import _wrap
            g, = autograd_grad([out], [inputs[index]], [_wrap(seed.reshape(out._data.shape))],
                               retain_graph=True, allow_unused=True)
            rows.append(np.zeros(inputs[index]._data.size) if g is None else g._data.astype(np.float64).ravel())
    return np.stack(rows, axis=0) if rows else np.zeros((0, 0))


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **_):
    """True when autograd's gradients of ``fn`` at ``inputs`` match finite differences."""
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    for index in _inputs_requiring_grad(inputs):
        if inputs[index].dtype.name != "float64":
            import warnings
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
    from . import grad as autograd_grad
    from ..factories import randn
    from ..random import Generator
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
        from ..factories import zeros_like
        return tuple(g if g is not None else zeros_like(xs[i]) for g, i in zip(grads, diff))

    return gradcheck(first_derivative, inputs + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)

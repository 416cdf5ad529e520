"""The autograd engine against torch: accumulation, retain/create graph, hooks, custom Functions,
grad modes (thread-local), anomaly detection, deep graphs and freeing of saved tensors."""
import gc
import threading
import weakref

import numpy as np
import pytest
import torch

import minigrad
from _compare import assert_close

# (atol, rtol): every comparison here is float64 (_leaf), where rounding is ~1e-16 and a wrong
# derivative is off by far more
FLOAT64_TOL = (1e-12, 1e-12)

LIBS = [minigrad, torch]


def _leaf(lib, values, dtype=None):
    return lib.tensor(values, dtype=dtype or lib.float64, requires_grad=True)


@pytest.mark.parametrize("lib", LIBS, ids=["minigrad", "torch"])
def test_backward_twice_accumulates_with_retain_graph(lib):
    x = _leaf(lib, [1.0, 2.0, 3.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0, 12.0]


def test_backward_twice_without_retain_graph_raises_like_torch():
    for lib in LIBS:
        x = _leaf(lib, [1.0, 2.0])
        y = (x * x).sum()
        y.backward()
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
            y.backward()


def test_shared_subexpression_sums_gradients():
    """x feeds two branches: its gradient is the sum (why topological order matters)."""
    grads = []
    for lib in LIBS:
        x = _leaf(lib, [0.5, -1.0, 2.0])
        a = x.exp()
        y = (a * x + a.sin() * a).sum()
        y.backward()
        grads.append(x.grad)
    assert_close(*grads, *FLOAT64_TOL)


def test_create_graph_gives_second_derivative():
    results = []
    for lib in LIBS:
        x = _leaf(lib, [0.3, 1.5])
        y = (x ** 3).sum()
        g, = lib.autograd.grad(y, x, create_graph=True)
        g2, = lib.autograd.grad(g.sum(), x)
        results.append((g, g2))
    assert_close(results[0][0], results[1][0], *FLOAT64_TOL)
    assert_close(results[0][1], results[1][1], *FLOAT64_TOL)


def test_gradient_argument_and_non_scalar_error():
    for lib in LIBS:
        x = _leaf(lib, [1.0, 2.0])
        y = x * 3
        with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
            y.backward()
        y.backward(lib.tensor([1.0, 0.5], dtype=lib.float64))
        assert x.grad.tolist() == [3.0, 1.5]


def test_grad_of_a_tensor_that_does_not_require_grad():
    for lib in LIBS:
        x = lib.tensor([1.0, 2.0])
        with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
            x.sum().backward()


def test_autograd_grad_allow_unused():
    for lib in LIBS:
        x, z = _leaf(lib, [1.0]), _leaf(lib, [2.0])
        y = (x * 2).sum()
        with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
            lib.autograd.grad(y, [x, z], retain_graph=True)
        gx, gz = lib.autograd.grad(y, [x, z], allow_unused=True)
        assert gz is None and gx.tolist() == [2.0]
        assert x.grad is None  # autograd.grad does not touch .grad


def test_hooks_and_retain_grad():
    seen = {}
    for lib in LIBS:
        x = _leaf(lib, [1.0, 2.0])
        h = x * 2
        h.retain_grad()
        h.register_hook(lambda g: g * 10)
        handle = x.register_hook(lambda g: g + 1)
        (h * h).sum().backward()
        seen[lib.__name__] = (h.grad.tolist(), x.grad.tolist())
        handle.remove()
    assert seen["minigrad"] == seen["torch"]


def test_requires_grad_false_leaves_are_frozen():
    for lib in LIBS:
        w = _leaf(lib, [1.0, 2.0])
        frozen = lib.tensor([3.0, 4.0], dtype=lib.float64)
        (w * frozen).sum().backward()
        assert frozen.grad is None and w.grad.tolist() == [3.0, 4.0]


def test_no_grad_and_decorators():
    for lib in LIBS:
        x = _leaf(lib, [1.0])
        with lib.no_grad():
            assert not (x * 2).requires_grad
            with lib.enable_grad():
                assert (x * 2).requires_grad

        @lib.no_grad()
        def f(t):
            return t * 2
        assert not f(x).requires_grad
        with lib.set_grad_enabled(False):
            assert not (x * 2).requires_grad
        assert (x * 2).requires_grad
        with lib.inference_mode():
            assert not (x * 2).requires_grad


def test_grad_mode_is_thread_local():
    results = {}

    def worker():
        results["other"] = minigrad.is_grad_enabled()
    with minigrad.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        results["this"] = minigrad.is_grad_enabled()
    assert results == {"other": True, "this": False}


def test_custom_function_matches_torch():
    def make(lib):
        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                ctx.save_for_backward(x)
                ctx.k = k
                return x ** 3 * k

            @staticmethod
            def backward(ctx, grad):
                x, = ctx.saved_tensors
                assert ctx.needs_input_grad[0]
                return grad * 3 * x ** 2 * ctx.k, None
        return Cube
    outs = []
    for lib in LIBS:
        x = _leaf(lib, [0.5, -2.0])
        y = make(lib).apply(x, 2.0)
        assert y.grad_fn is not None and y.requires_grad
        y.sum().backward()
        outs.append((y, x.grad))
    assert_close(outs[0][0], outs[1][0], *FLOAT64_TOL)
    assert_close(outs[0][1], outs[1][1], *FLOAT64_TOL)


def test_in_place_on_leaf_requiring_grad_raises():
    for lib in LIBS:
        x = _leaf(lib, [1.0])
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
            x.add_(1)
        with lib.no_grad():
            x.add_(1)
        assert x.tolist() == [2.0]


def test_in_place_change_of_a_saved_tensor_is_detected():
    for lib in LIBS:
        x = _leaf(lib, [1.0, 2.0])
        y = x.exp()
        z = (y * y).sum()
        y.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.backward()


def test_in_place_on_non_leaf_is_differentiated():
    grads = []
    for lib in LIBS:
        x = _leaf(lib, [1.0, 2.0])
        y = x * 2
        y.mul_(x)
        y.add_(1)
        y.sum().backward()
        grads.append(x.grad)
    assert_close(*grads, *FLOAT64_TOL)


def test_setitem_is_differentiated():
    grads = []
    for lib in LIBS:
        x = _leaf(lib, [[1.0, 2.0], [3.0, 4.0]])
        v = _leaf(lib, [5.0, 6.0])
        y = x * 1
        y[0] = v * 2
        (y * y).sum().backward()
        grads.append((x.grad, v.grad))
    assert_close(grads[0][0], grads[1][0], *FLOAT64_TOL)
    assert_close(grads[0][1], grads[1][1], *FLOAT64_TOL)


def test_deep_chain_does_not_recurse():
    x = minigrad.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0]


def test_graph_is_freed_after_backward():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 3).sum()
    node = weakref.ref(y.grad_fn)
    saved = y.grad_fn._edges[0]  # MulBackward0, which saved exp's output
    y.backward()
    assert saved._saved == () and saved._released
    del y, saved
    gc.collect()
    assert node() is None


def test_detect_anomaly_names_the_op():
    x = minigrad.tensor([0.0, 1.0], requires_grad=True)
    with minigrad.autograd.detect_anomaly():
        y = x.sqrt() * 0  # sqrt'(0) = inf, times 0 -> nan
        with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan values in its 0th output"):
            y.sum().backward()


def test_gradcheck_detects_a_wrong_gradient():
    class Wrong(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 3
    x = minigrad.tensor([1.0, 2.0], dtype=minigrad.float64, requires_grad=True)
    assert not minigrad.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False)
    assert minigrad.autograd.gradcheck(lambda t: t * 2, (x,))


def test_broadcast_gradient_is_reduced_to_the_input_shape():
    grads = []
    for lib in LIBS:
        a = _leaf(lib, np.arange(3.0).reshape(3, 1))
        b = _leaf(lib, np.arange(4.0))
        ((a * b + a) ** 2).sum().backward()
        grads.append((a.grad, b.grad))
    assert_close(grads[0][0], grads[1][0], *FLOAT64_TOL)
    assert_close(grads[0][1], grads[1][1], *FLOAT64_TOL)


def test_where_and_sqrt_at_zero_give_torchs_nan_free_results():
    grads = []
    for lib in LIBS:
        x = _leaf(lib, [0.0, 4.0])
        y = lib.where(x > 0, x, lib.zeros_like(x)).sum()
        y.backward()
        grads.append(x.grad)
    assert_close(*grads, *FLOAT64_TOL)


def test_grad_of_an_exponent():
    grads = []
    for lib in LIBS:
        base = _leaf(lib, [2.0, 3.0])
        e = _leaf(lib, [1.5, 0.5])
        (base ** e).sum().backward()
        grads.append((base.grad, e.grad))
    assert_close(grads[0][1], grads[1][1], *FLOAT64_TOL)
    assert_close(grads[0][0], grads[1][0], *FLOAT64_TOL)


def test_backward_from_several_roots_where_one_feeds_another():
    grads = []
    for lib in LIBS:
        x = _leaf(lib, [1.0, 2.0])
        y = x * 3
        z = (y * y).sum()
        lib.autograd.backward([z, y.sum()])
        grads.append(x.grad)
    assert_close(*grads, *FLOAT64_TOL)


def test_node_types_are_named_as_torch_names_them():
    """``type(y.grad_fn).__name__`` is torch's node name (``MulBackward0``, ``MaxBackward1`` for a
    full reduction, ``CopySlices`` after an in-place op on a view, ``<Op>Backward`` for a custom
    Function, with the op as ``_forward_cls``); the registry's test_backward checks every op."""
    def program(lib):
        class Double(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2
        x = lib.ones(3, requires_grad=True)
        y = x * 1
        y[:2].mul_(3)
        nodes = [(x * 2).grad_fn, x.max().grad_fn, x.max(0)[0].grad_fn, y.grad_fn, Double.apply(x).grad_fn,
                 (x * 2).grad_fn.next_functions[0][0]]
        return [type(n).__name__ for n in nodes], type(nodes[4])._forward_cls is Double
    assert program(minigrad) == program(torch)

"""Views and in-place ops (issue 14): torch's view model, checked example by example against torch.

A view shares its base's memory and version counter; an in-place op through a view rebases the
base's history (CopySlices) and every view's grad_fn is regenerated from it. Each test runs the same
program on both libraries (``lib`` is ``torch`` or ``minigrad``) and compares values, gradients,
node names and errors. The random-program fuzzer (``test_fuzz.py``) covers the whole family; these
are the cases the issue names, plus torch's refusals, augmented assignment, threads, hooks and the
double-backward fixes.
"""
import threading

import numpy as np
import pytest
import torch

import minigrad
from _compare import assert_close

LIBS = (minigrad, torch)
ATOL, RTOL = 1e-12, 1e-12  # float64 programs of a few exact operations


def both(fn):
    """``fn(lib)`` for minigrad and torch: (ours, theirs), or the exceptions they raised."""
    out = []
    for lib in LIBS:
        try:
            out.append(fn(lib))
        except Exception as exc:  # noqa: BLE001 - compared by the caller
            out.append(exc)
    return out


def same_error(fn, message=True):
    ours, theirs = both(fn)
    assert isinstance(theirs, Exception), f"torch did not raise: {theirs}"
    assert type(ours) is type(theirs), f"{ours!r} vs torch's {theirs!r}"
    if message:
        assert str(ours) == str(theirs)


def same(fn, what=""):
    ours, theirs = both(fn)
    for o, t in zip(ours if isinstance(ours, tuple) else (ours,), theirs if isinstance(theirs, tuple) else (theirs,)):
        if isinstance(t, Exception) or isinstance(o, Exception):
            raise AssertionError(f"{what}: {o!r} vs torch's {t!r}")
        if isinstance(t, torch.Tensor):
            assert_close(o, t, atol=ATOL, rtol=RTOL, what=what)
        else:
            assert o == t, f"{what}: {o!r} vs torch's {t!r}"


def name(node):
    return None if node is None else node.name().rsplit("::", 1)[-1]


# --- the examples ------------------------------------------------------------------------------
def test_zero_on_a_column_of_a_linear_output():
    def program(lib):
        lib.manual_seed(0)
        lin = lib.nn.Linear(2, 3)
        h = lin(lib.ones(4, 2))
        h[:, 0].zero_()
        h.sum().backward()
        return lin.bias.grad, lin.weight.grad
    same(program, "bias and weight grads")


@pytest.mark.parametrize("op", ["mul_(3)", "fill_(2.0)", "copy_(lib.tensor([5.0, 6.0], dtype=lib.float64))",
                                "tanh_()", "F.relu(v, inplace=True)", "add_(w[1:] * 2)", "zero_()"])
@pytest.mark.parametrize("view", ["b[0:2]", "b.view(3)[:2]", "b.reshape(3, 1)[:2, 0]", "b.unsqueeze(0)[0, :2]",
                                  "b.narrow(0, 0, 2)", "b.view(1, 3).t()[:2, 0]"])
def test_in_place_op_on_a_view_rebases_the_base(op, view):
    def program(lib):
        F = lib.nn.functional  # noqa: N806 - the name the op strings use
        a = lib.tensor([1.0, -2.0, 3.0], dtype=lib.float64, requires_grad=True)
        w = lib.tensor([0.5, 1.5, -1.0], dtype=lib.float64, requires_grad=True)
        b = a * 1
        v = eval(view)
        before = b[1:]  # a view taken before the change sees it too
        eval(op if op.startswith("F.") else f"v.{op}")
        after = b.view(3)[:2]
        loss = (b * lib.arange(1.0, 4.0, dtype=lib.float64)).sum() + (before * before).sum() + after.sum()
        loss.backward()
        return b.detach(), a.grad, w.grad if w.grad is not None else lib.zeros(3, dtype=lib.float64), \
            name(b.grad_fn), name(before.grad_fn), before.requires_grad
    same(program, f"{view}.{op}")


def test_setitem_from_the_tensor_itself():
    def program(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 1
        y[1] = y[0] * 5
        y.sum().backward()
        return y.detach(), x.grad, name(y.grad_fn), repr(y).split("grad_fn=")[1]
    same(program)


@pytest.mark.parametrize("program", [
    lambda lib: lib.ones(3, requires_grad=True)[:2].mul_(2),
    lambda lib: lib.nn.Linear(2, 3).weight[0].zero_(),
    lambda lib: lib.ones(3, requires_grad=True).__setitem__(0, 2.0),
    lambda lib: (lib.ones(4, requires_grad=True) * 1).split(2)[1].mul_(2),
    lambda lib: (lib.ones(4, requires_grad=True) * 1).chunk(2)[0].add_(1),
    lambda lib: (lib.ones(2, 2, requires_grad=True) * 1).unbind(1)[1].zero_(),
    lambda lib: lib.ones(1).expand(3).mul_(2),
    lambda lib: (lib.ones(3, requires_grad=True) * 1).unsqueeze(0).expand(2, 3).add_(1),
    lambda lib: lib.ones(2, 1).expand(2, 3).__setitem__(0, 1.0),
    lambda lib: lib.ones(3, requires_grad=True).add_(1),
], ids=["view_of_leaf", "parameter_row", "setitem_on_leaf", "split", "chunk", "unbind", "expand",
        "expand_of_view", "setitem_on_expand", "leaf"])
def test_refusals_match_torch(program):
    same_error(program)


def test_view_made_in_no_grad_then_changed_with_grad():
    def program(lib):
        y = lib.ones(3, requires_grad=True) * 1
        with lib.no_grad():
            v = y[:2]
        v.mul_(2)
    same_error(program)


def test_allowed_in_no_grad_and_without_grad():
    def program(lib):
        w = lib.ones(3, requires_grad=True)
        with lib.no_grad():
            w[:2].mul_(2)
            w[2] = 5.0
        t = lib.ones(4)
        t.split(2)[0].mul_(3)  # nothing requires grad: a multi-output view may change
        return w.detach(), t, w.requires_grad, w.grad_fn is None
    same(program)


def test_base_and_views_share_one_version_counter():
    def program(lib):
        x = lib.ones(2, 3) * 1
        v, u = x[0], x.t()
        v.add_(1)
        x.mul_(2)
        d = x.detach()
        d.zero_()
        return x._version, v._version, u._version, d._version, v._base is x, x[1:][0]._base is x, \
            v._is_view(), x.detach()._is_view()
    same(program)


def test_sibling_view_of_a_base_that_starts_requiring_grad():
    def program(lib):
        z = lib.zeros(3, dtype=lib.float64)
        zv = z[0:2]
        leaf = lib.ones(1, dtype=lib.float64, requires_grad=True)
        z[2:].copy_(leaf * 3)
        (z.sum() + zv.sum()).backward()
        return zv.requires_grad, name(zv.grad_fn), name(z.grad_fn), leaf.grad
    same(program)


def test_saved_view_changed_in_place_raises_at_backward():
    def program(lib):
        x = lib.ones(3, requires_grad=True)
        y = x * 1
        v = y[:2]
        s = v.sin()  # saves v
        y.detach()[0] = 5.0  # detach shares the version counter
        s.sum().backward()
    same_error(program, message=False)  # (torch names the saved view "output 0 of AsStrided"; minigrad not)


def test_in_place_on_a_view_of_a_view_of_a_transpose():
    def program(lib):
        a = lib.arange(12.0, dtype=lib.float64).reshape(3, 4).requires_grad_()
        m = lib.arange(4.0, dtype=lib.float64).requires_grad_()
        b = a * 2
        v = b.t()[1:3]
        v.mul_(m[:3])
        v[0, 1:].sub_(m[2:])
        (b ** 2).sum().backward()
        return b.detach(), a.grad, m.grad, name(v.grad_fn), name(b.grad_fn)
    same(program)


def test_double_backward_through_copy_slices():
    def program(lib):
        a = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        b = a * a
        b[1:].mul_(a[:2])
        g, = lib.autograd.grad(b.sum(), a, create_graph=True)
        h, = lib.autograd.grad((g * g).sum(), a)
        return g.detach(), h
    same(program)


# --- issue 16 / 15: indexing and view errors ---------------------------------------------------------
@pytest.mark.parametrize("program", [
    lambda lib: lib.arange(5.0)[::-1],
    lambda lib: lib.arange(5.0).narrow(0, 2, 5),
    lambda lib: lib.tensor(1.0)[0],
    lambda lib: lib.tensor(1.0)[0:1],
    lambda lib: lib.zeros(3, dtype=lib.int8).__setitem__([0, 1], lib.tensor(1.5)),
    lambda lib: lib.zeros(3, dtype=lib.int8).__setitem__(lib.tensor([0, 1]), lib.tensor([1.5, 2.0])),
    lambda lib: lib.ones(3, 4).t().view(lib.int8),
    lambda lib: lib.ones(3, 3)[:, :1].view(lib.float64),
    lambda lib: lib.ones(3).view(lib.float64),
], ids=["negative_step", "narrow_past_end", "int_of_0_dim", "slice_of_0_dim", "index_put_dtype",
        "index_put_dtype_tensor_index", "view_dtype_stride", "view_dtype_size", "view_dtype_size_1d"])
def test_index_and_view_errors_match_torch(program):
    same_error(program)


@pytest.mark.parametrize("dtype", ["int32", "int16", "uint8", "float16", "int64", "float64", "float32"])
def test_view_dtype_reinterprets_the_bits(dtype):
    def program(lib):
        t = lib.arange(8.0).reshape(2, 4)
        v = t.view(getattr(lib, dtype))
        return v, v.dtype == getattr(lib, dtype), t.view(getattr(lib, dtype))._base is t
    ours, theirs = both(program)
    np.testing.assert_array_equal(ours[0].numpy(), theirs[0].numpy())
    assert ours[1:] == theirs[1:]


def test_setitem_with_a_basic_index_casts_the_value():
    same(lambda lib: (lambda t: (t.__setitem__(0, lib.tensor(1.5)), t.__setitem__(slice(1, 3), lib.tensor(2.7)), t)[2])(
        lib.zeros(3, dtype=lib.int8)))


def test_indexing_with_range_lists_and_numpy_arrays():
    def program(lib):
        y_hat = lib.arange(12.0, dtype=lib.float64).reshape(3, 4).requires_grad_()
        y = lib.tensor([0, 2, 1])
        picked = y_hat[range(len(y_hat)), y]
        both_ = y_hat[np.array([0, 2]), 1] + y_hat[[1, 2], [3, 0]]
        (picked.sum() + both_.sum()).backward()
        return picked, both_, y_hat.grad
    same(program)


# --- augmented assignment ----------------------------------------------------------------------------
AUGMENTED = [(op, "int64") for op in ["+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^=", "<<=", ">>=",
                                      "@="]] + \
    [(op, "float64") for op in ["+=", "-=", "*=", "/=", "//=", "%=", "**=", "<<=", ">>=", "@="]] + \
    [(op, "bool") for op in ["&=", "|=", "^="]]


@pytest.mark.parametrize("op,dtype", AUGMENTED)  # (dtype errors of the ops themselves: test_errors.py)
def test_augmented_assignment_is_in_place(op, dtype):
    def program(lib):
        t = lib.tensor([[5, 7], [12, 3]]).to(getattr(lib, dtype))
        alias, view = t, t[0]
        other = lib.tensor([[2, 3], [1, 2]]).to(getattr(lib, dtype))
        ns = {"t": t, "o": other}
        exec(f"t {op} o", ns)
        return ns["t"], alias, view, ns["t"] is alias
    ours, theirs = both(program)
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs), f"{ours!r} vs torch's {theirs!r}"
        return
    assert not isinstance(ours, Exception), f"{ours!r}; torch gives {theirs}"
    for o, t in zip(ours[:3], theirs[:3]):
        assert o.dtype == getattr(minigrad, str(t.dtype).split(".")[1])
        np.testing.assert_array_equal(o.numpy(), t.numpy())
    assert ours[3] == theirs[3]


def test_partial_overlap_is_refused():
    def program(lib):
        y = lib.arange(4.0)
        v = y[1:3]
        v *= y[:2]
    same_error(program)


def test_augmented_assignment_on_a_view_changes_the_base():
    def program(lib):
        x = lib.tensor([1.0, 2.0, 3.0, 4.0], dtype=lib.float64, requires_grad=True)
        y = x * 1
        v = y[1:3]
        v += 1
        v *= x[:2]
        v -= 0.5
        v **= 2
        y.sum().backward()
        return y.detach(), x.grad
    same(program)


# --- threads -----------------------------------------------------------------------------------------
def test_concurrent_backward_into_a_shared_leaf_accumulates_exactly():
    w = minigrad.ones(3, requires_grad=True)

    def work():
        for _ in range(100):
            (w * 2).sum().backward()
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    np.testing.assert_array_equal(w.grad.numpy(), np.full(3, 800.0, np.float32))


def test_concurrent_draws_from_the_default_generator_are_disjoint():
    minigrad.manual_seed(0)
    draws = []

    def work():
        for _ in range(200):
            draws.append(minigrad.randn(4).numpy().tobytes())
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(draws)) == 800
    torch.manual_seed(0)
    expected = [torch.randn(4).numpy().tobytes() for _ in range(800)]  # the same draws, in some order
    assert sorted(draws) == sorted(expected)


# --- hooks -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("hook", [lambda g: g.sum(), lambda g: g.double(), lambda g: 3.0, lambda g: g[:1]],
                         ids=["shape", "dtype", "not_a_tensor", "slice"])
@pytest.mark.parametrize("leaf", [True, False])
def test_hook_results_are_checked(hook, leaf):
    def program(lib):
        x = lib.ones(2, requires_grad=True)
        y = x if leaf else x * 1
        y.register_hook(hook)
        (y * 2).sum().backward()
    same_error(program)


# --- double backward ---------------------------------------------------------------------------------
@pytest.mark.parametrize("values", [[[1.0, 2.0, 0.0], [3.0, -1.0, 2.0]], [[0.0, 0.0, 2.0], [1.0, 0.5, 2.0]],
                                    [[1.5, 2.0, -1.0], [3.0, 2.0, 0.5]]])
def test_prod_hessian(values):
    def program(lib):
        x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
        g, = lib.autograd.grad((x.prod(1) ** 2).sum(), x, create_graph=True)
        rows = [lib.autograd.grad(g.reshape(-1)[i], x, retain_graph=True)[0] for i in range(6)]
        g_all, = lib.autograd.grad(x.prod(), x, create_graph=True)
        h_all, = lib.autograd.grad(g_all.sum(), x)
        return g.detach(), lib.stack(rows), g_all.detach(), h_all
    same(program)


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.nn.functional.elu(x), lambda lib, x: lib.nn.functional.selu(x),
    lambda lib, x: lib.nn.functional.celu(x, alpha=0.5),
    lambda lib, x: lib.nn.functional.smooth_l1_loss(x, lib.zeros_like(x), beta=1.0, reduction="sum"),
    lambda lib, x: lib.nn.functional.huber_loss(x, lib.zeros_like(x), delta=1.0, reduction="sum"),
    lambda lib, x: lib.tensor([0.0, 1.0, 0.0, 2.0], dtype=lib.float64, requires_grad=True) ** x,
    lambda lib, x: x.abs() ** lib.tensor([0.0, 0.0, 1.0, 2.0], dtype=lib.float64),
], ids=["elu", "selu", "celu", "smooth_l1", "huber", "pow_base_zero", "pow_tensor_exponent_at_zero"])
def test_second_derivatives_at_kinks(fn):
    def program(lib):
        x = lib.tensor([0.0, 1.0, -1.0, 0.0], dtype=lib.float64, requires_grad=True)
        g, = lib.autograd.grad(fn(lib, x).sum(), x, create_graph=True)
        h, = lib.autograd.grad(g.sum(), x, allow_unused=True)
        return g.detach(), h if h is not None else lib.zeros(4, dtype=lib.float64)
    same(program)


@pytest.mark.parametrize("shapes", [((3, 2), (2,)), ((2,), (2,)), ((2,), (2, 3)), ((3, 2), (2, 4))])
def test_matmul_backward_nodes_are_torchs(shapes):
    def program(lib):
        a = lib.arange(1.0, 1.0 + np.prod(shapes[0]), dtype=lib.float64).reshape(shapes[0]).requires_grad_()
        b = lib.arange(0.5, 0.5 + np.prod(shapes[1]), dtype=lib.float64).reshape(shapes[1]).requires_grad_()
        ga, gb = lib.autograd.grad(lib.tanh(a @ b * 0.1).sum(), (a, b), create_graph=True)
        h = lib.autograd.grad((ga.sum() + gb.sum()) ** 2, (a, b))
        return ga.detach(), gb.detach(), *h, name(ga.grad_fn), name(gb.grad_fn)
    same(program)


# --- found by the fuzzer (session 3): each a family, each against torch --------------------------------
def _first_path(node, depth=3):
    """The names along the first-input path of a graph: how a double-backward graph is built."""
    names = []
    while node is not None and depth:
        names.append(name(node))
        node = next((n for n, _ in getattr(node, "next_functions", ()) if n is not None), None)
        depth -= 1
    return names


PIECEWISE = {
    "hardtanh": lambda lib, x: lib.nn.functional.hardtanh(x, -0.5, 0.8),
    "relu6": lambda lib, x: lib.nn.functional.relu6(x * 8),
    "leaky_relu": lambda lib, x: lib.nn.functional.leaky_relu(x, 0.1),
    "threshold": lambda lib, x: lib.nn.functional.threshold(x, 0.3, -2.0),
    "hardshrink": lambda lib, x: lib.nn.functional.hardshrink(x, 0.4),
    "softshrink": lambda lib, x: lib.nn.functional.softshrink(x, 0.4),
    "hardtanh_inplace": lambda lib, x: lib.nn.functional.hardtanh(x * 1, inplace=True),
    "leaky_relu_inplace": lambda lib, x: lib.nn.functional.leaky_relu(x * 1, 0.2, inplace=True),
    "threshold_inplace": lambda lib, x: lib.nn.functional.threshold(x * 1, 0.3, 1.0, inplace=True),
    "relu": lambda lib, x: x.relu(),
    "relu_inplace": lambda lib, x: (x * 1).relu_(),
}


@pytest.mark.parametrize("fn", PIECEWISE.values(), ids=PIECEWISE.keys())
def test_piecewise_linear_gradients_are_differentiable(fn):
    """torch's hardtanh_backward etc. are ops of their own: under create_graph the gradient requires
    grad (node ``<Op>BackwardBackward0``) and the second derivative is zeros, not no gradient."""
    def program(lib):
        x = lib.tensor([-1.5, -0.2, 0.0, 0.35, 0.9, float("nan")], dtype=lib.float64, requires_grad=True)
        g, = lib.autograd.grad(fn(lib, x).sum(), x, create_graph=True)
        h, = lib.autograd.grad((g * g).sum(), x, allow_unused=True)
        return g.detach(), g.requires_grad, name(g.grad_fn), h is None, h if h is not None else 0
    same(program)


def test_hardsigmoid_has_no_second_derivative():
    def program(lib):
        x = lib.tensor([-4.0, 0.5, 2.0], dtype=lib.float64, requires_grad=True)
        g, = lib.autograd.grad(lib.nn.functional.hardsigmoid(x).sum(), x, create_graph=True)
        assert g.requires_grad
        lib.autograd.grad(g.sum(), x)
    same_error(program)


@pytest.mark.parametrize("program", [
    lambda lib: _changed_after(lib, lambda a: lib.nn.functional.leaky_relu(a, 0.2, inplace=True), lambda a: a.mul_(2)),
    lambda lib: _changed_after(lib, lambda a: lib.nn.functional.leaky_relu(a, -0.5, inplace=True), lambda a: None),
    lambda lib: _changed_after(lib, lambda a: a[:2].exp_(), lambda a: a.add_(1)),
    lambda lib: _changed_after(lib, lambda a: a[1:].sigmoid_(), lambda a: a[:1].mul_(2)),
    lambda lib: _changed_after(lib, lambda a: a.view(3).tanh_(), lambda a: a.mul_(2)),
    lambda lib: _changed_after(lib, lambda a: a.t()[0:1].sqrt_(), lambda a: a.zero_(), shape=(3, 1)),
], ids=["leaky_relu_", "leaky_relu_negative_slope", "exp_on_a_slice", "sigmoid_on_a_slice", "tanh_on_a_view",
        "sqrt_on_a_view_of_a_transpose"])
def test_in_place_op_saving_its_result_then_changed_again(program):
    """leaky_relu_ saves its result (torch's derivatives.yaml), so does exp_/sigmoid_/tanh_/sqrt_ on a view:
    a later in-place change of that memory makes backward raise (a negative slope: always)."""
    same_error(program, message=False)  # (the text names the saved tensor's node: see the test below)


def _changed_after(lib, op, change, shape=(3,)):
    x = lib.tensor(np.linspace(0.5, 1.5, int(np.prod(shape))).reshape(shape), dtype=lib.float64, requires_grad=True)
    a = x * 1
    op(a)
    change(a)
    a.sum().backward()
    return x.grad


@pytest.mark.parametrize("program", [
    lambda lib: _changed_after(lib, lambda a: lib.nn.functional.leaky_relu(a, 0.2, inplace=True), lambda a: a.mul_(2)),
    lambda lib: _saved_then_changed(lib, lambda a: a[:2], lambda a, v: v.mul_(2)),
    lambda lib: _saved_then_changed(lib, lambda a: a, lambda a, v: a.mul_(2)),
], ids=["output_of_leaky_relu_", "view_saved_by_mul", "tensor_saved_by_mul"])
def test_version_error_names_the_saved_tensors_node(program):
    """(up to the hint, which minigrad words for a learner: it names the op that saved the tensor)"""
    ours, theirs = both(program)
    assert type(ours) is type(theirs) is RuntimeError, f"{ours!r} vs torch's {theirs!r}"
    assert str(ours).split(" Hint:")[0] == str(theirs).split(" Hint:")[0]


def _saved_then_changed(lib, view, change):
    x = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
    a = x * 1
    v = view(a)
    b = v * v
    change(a, v)
    b.sum().backward()


# multi-output views: a view of one is one too; using one after its base changed raises
@pytest.mark.parametrize("program", [
    "v = a.split(1)[2]; v[...] = 2.0",
    "v = a.split(1)[2]; v[0] = 2.0",
    "v = a.split(1)[2]; v.t().fill_(2.0)",
    "v = a.chunk(3)[1]; v.unsqueeze(0).mul_(2)",
    "v = a.unbind(0)[0]; v.view(-1).zero_()",
    "v = a.split(1)[2]; a.mul_(2); v * 1",
    "v = a.split(1)[2]; w = v.view(-1); a.mul_(2); w.grad_fn",
    "v = a.split(1)[2]; a.mul_(2); w = v.view(-1)",
    "v = a.split(1)[2]; v.detach().fill_(2); v.sum()",
    "v = a.detach().split(1)[1]; v[0].fill_(lib.ones((), dtype=lib.float64, requires_grad=True))",
])
def test_multi_output_views_and_their_views(program):
    def run(lib):
        a = lib.ones(3, 1, dtype=lib.float64, requires_grad=True) * 1
        exec(program, {"a": a, "lib": lib})
    same_error(run)


def test_multi_output_view_still_requires_grad_after_its_base_changed():
    def program(lib):
        a = lib.ones(3, 1, dtype=lib.float64, requires_grad=True) * 1
        v = a.split(1)[2]
        a.mul_(2)
        with lib.no_grad():
            w = v * 3
        return v.requires_grad, v.detach(), w
    same(program)


# views made under no_grad of a tensor that requires grad
@pytest.mark.parametrize("program", [
    "v.mul_(2)", "v[0] = 5.0", "v[1:].zero_()", "v.view(2).add_(1)",
    "base.mul_(2); v * 2", "base.mul_(2); v.grad_fn",
])
@pytest.mark.parametrize("leaf", [True, False])
def test_views_made_in_no_grad_refused_as_torch(program, leaf):
    def run(lib):
        x = lib.ones(3, dtype=lib.float64, requires_grad=True)
        base = x if leaf else x * 1
        with lib.no_grad():
            v = base[:2]
        exec(program.replace("base.mul_", "(x * 1 if leaf else base).mul_" if leaf else "base.mul_"),
             {"v": v, "base": base, "x": x, "leaf": leaf, "lib": lib})
    if leaf and program.startswith("base"):  # (a leaf cannot change in grad mode: change it under no_grad)
        def run(lib):  # noqa: F811
            x = lib.ones(3, dtype=lib.float64, requires_grad=True)
            with lib.no_grad():
                v = x[:2]
                x.mul_(2)
            exec(program.split("; ")[1], {"v": v, "lib": lib})
    same_error(run)


@pytest.mark.parametrize("leaf", [True, False])
def test_view_made_in_no_grad_requires_grad_without_a_grad_fn(leaf):
    def program(lib):
        x = lib.ones(3, dtype=lib.float64, requires_grad=True)
        base = x if leaf else x * 1
        with lib.no_grad():
            v = base[:2]
        w = v[1:]
        y = (v * 2).sum() + w.sum()
        y.backward()
        return v.requires_grad, v.grad_fn is None, v.is_leaf, name(w.grad_fn), y.requires_grad, x.grad is None
    same(program)


def test_gradient_through_a_view_made_in_no_grad_goes_nowhere():
    def program(lib):
        x = lib.ones(3, dtype=lib.float64, requires_grad=True)
        with lib.no_grad():
            v = x[:2]
        (v * 2).sum().backward()
        return v.grad is None, x.grad is None
    same(program)


# //=, %= and **=: in place, with torch's graph and refusals
@pytest.mark.parametrize("target", ["t", "t[1:]"])
def test_floor_divide_in_place_records_torchs_not_implemented_node(target):
    def program(lib):
        x = lib.tensor([1.0, 2.0, 5.0], dtype=lib.float64, requires_grad=True)
        t = x * 1
        ns = {"t": t}
        exec(f"{target} //= 2", ns)
        rg, node = t.requires_grad, name(t.grad_fn)
        try:
            t.sum().backward()
        except RuntimeError as exc:
            return t.detach(), rg, node, str(exc)
        return t.detach(), rg, node, "no error"
    same(program)


@pytest.mark.parametrize("code", [
    "x // 2",
    "b //= True",
    "b %= True",
    "b **= True",
    "b **= False",
    "b **= lib.tensor([True, True])",
    "True ** b",
    "b //= 2", "b %= 2", "b **= 2", "x %= 1.5",
])
def test_floor_divide_remainder_and_pow_assignments_as_torch(code):
    def program(lib):
        x = lib.tensor([1.0, 2.0, 5.0], dtype=lib.float64, requires_grad=True) * 1
        b = lib.tensor([True, False])
        ns = {"x": x, "b": b, "lib": lib}
        exec(code if "=" in code.replace("==", "") else f"out = {code}", ns)
        out = ns.get("out", ns["b"] if code.startswith("b") else ns["x"])
        if out.requires_grad:
            try:
                out.sum().backward()
            except RuntimeError as exc:
                return out.detach(), str(exc)
        return out.detach(), out.requires_grad
    ours, theirs = both(program)
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs) and str(ours) == str(theirs), f"{ours!r} vs torch's {theirs!r}"
        return
    assert not isinstance(ours, Exception), f"{ours!r}; torch gives {theirs}"
    np.testing.assert_array_equal(ours[0].numpy(), theirs[0].numpy())
    assert ours[1] == theirs[1]


# second derivatives torch makes nan or a constant
@pytest.mark.parametrize("code", ["x[0].norm()", "x.norm(dim=1)", "x.norm(dim=1, keepdim=True)", "x[0, 0].var()",
                                  "x[0, :1].var()", "x[0, 0].prod(-1)", "x[:, :1].prod(1)"])
def test_second_derivatives_of_norm_at_zero_and_of_degenerate_reductions(code):
    def program(lib):
        x = lib.tensor([[0.0, 0.0], [1.0, 2.0]], dtype=lib.float64, requires_grad=True)
        g, = lib.autograd.grad(eval(code, {"x": x}).sum(), x, create_graph=True)
        h = lib.autograd.grad((g * g).sum(), x)[0] if g.requires_grad else None
        return g.detach(), g.requires_grad, h if h is not None else 0
    same(program)


# matmul with 3-D operands: torch's composite (mm/mv folds, bmm), so the gradients' graphs match torch's
@pytest.mark.parametrize("shapes", [((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (4, 5)), ((4,), (2, 4, 5)), ((2, 3, 4), (4,)),
                                    ((3, 4), (2, 4, 5)), ((1, 3, 4), (2, 4, 5)), ((4,), (2, 1, 4, 5)),
                                    ((2, 1, 3, 4), (1, 2, 4, 2)), ((3, 2), (2,)), ((3, 2), (2, 4))])
def test_batched_matmul_gradient_graphs_are_torchs(shapes):
    def program(lib):
        a = lib.arange(1.0, 1.0 + np.prod(shapes[0]), dtype=lib.float64).reshape(shapes[0]).requires_grad_()
        b = lib.arange(0.5, 0.5 + np.prod(shapes[1]), dtype=lib.float64).reshape(shapes[1]).requires_grad_()
        out = a @ b
        ga, gb = lib.autograd.grad((out * out).sum() * 0.01, (a, b), create_graph=True)
        h = lib.autograd.grad((ga * ga).sum() + (gb * gb).sum(), (a, b))
        return (out.detach(), ga.detach(), gb.detach(), *h, name(out.grad_fn), "/".join(_first_path(ga.grad_fn)),
                "/".join(_first_path(gb.grad_fn)))
    same(program)


def test_matmul_batch_dims_that_do_not_broadcast():
    same_error(lambda lib: lib.zeros(2, 1, 1, requires_grad=True) @ lib.zeros(3, 1, 3))
    same_error(lambda lib: lib.zeros(5, 2, 1, 1) @ lib.zeros(3, 1, 3))


def test_setitem_with_a_full_index_writes_the_tensor_itself():
    def program(lib):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        a, b = x * 1, x * 1
        a[...] = x * 3
        b[:] = x.flip(0)
        (a * b).sum().backward()
        return a.detach(), b.detach(), name(a.grad_fn), name(b.grad_fn), x.grad
    same(program)


@pytest.mark.parametrize("op", ["lib.nn.functional.elu(v, inplace=True)", "v.exp_()", "v.sigmoid_()", "v.relu_()",
                                "lib.nn.functional.leaky_relu(v, 0.1, inplace=True)"])
def test_double_backward_through_an_op_on_a_view_that_saved_its_result(op):
    """The result such an op saves is the view: in a double backward its node is the view's, over the
    base's CopySlices (not the op's own node, which CopySlices runs)."""
    def program(lib):
        x = lib.tensor([-0.5, 0.3, 1.0], dtype=lib.float64, requires_grad=True)
        a = x * 1
        v = a[0:2]
        eval(op, {"v": v, "lib": lib})
        g, = lib.autograd.grad((a * a).sum(), x, create_graph=True)
        h, = lib.autograd.grad((g * g).sum(), x)
        return g.detach(), h
    same(program)


@pytest.mark.parametrize("program", [
    "p += w; v.pow_(2)", "p += w; v.requires_grad; v.mul_(2)", "p += w; v.grad_fn; v.pow_(2)", "v += w; v.pow_(2)",
    "p.mul_(w); v.sum().backward()",
    "p.mul_(w); out = v * 2; v.pow_(2); out.sum().backward()",
])
def test_view_made_while_its_base_needed_no_grad(program):
    """torch's check_inplace reads such a view's node as stored: none (a leaf requiring grad) until it is
    regenerated; an op using the view records it, as the view requires grad once its base does."""
    def run(lib):
        p = lib.zeros(2, dtype=lib.float64)
        v = p[0:1]
        w = lib.ones(2, dtype=lib.float64, requires_grad=True) if "v +=" not in program else \
            lib.ones(1, dtype=lib.float64, requires_grad=True)
        exec(program, {"p": p, "v": v, "w": w})
        return p.detach(), v.detach(), v.requires_grad, name(v.grad_fn), w.grad
    ours, theirs = both(run)
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs) and str(ours) == str(theirs), f"{ours!r} vs torch's {theirs!r}"
        return
    assert not isinstance(ours, Exception), f"{ours!r}; torch gives {theirs}"
    same(run)


@pytest.mark.parametrize("op", ["a.zero_()", "a.fill_(2.0)", "a.copy_(lib.ones(2, dtype=lib.float64))", "a[0:1].zero_()"])
def test_fill_and_copy_cut_the_second_derivative_as_torch(op):
    """d/dself of fill_/copy_ is torch's zeros_like(grad): a constant, so a second derivative does not
    reach what the tensor held before (no gradient, not zeros)."""
    def program(lib):
        x = lib.tensor([0.5, -1.0], dtype=lib.float64, requires_grad=True)
        w = lib.tensor([2.0, 3.0], dtype=lib.float64, requires_grad=True)
        a = x * w
        exec(op, {"a": a, "lib": lib})
        g = lib.autograd.grad(lib.nn.functional.threshold(a, 0.1, 0.0).sum(), (x, w), create_graph=True,
                              allow_unused=True)
        needs = [t for t in g if t is not None and t.requires_grad]
        h = lib.autograd.grad(sum((t * t).sum() for t in needs), (x, w), allow_unused=True) if needs else (None, None)
        return tuple(t is None for t in g + h)
    same(program)


@pytest.mark.parametrize("code", ["e.zero_()", "e.fill_(0.25)", "e[0] = 2.0", "e[:] = 2.0", "e.mul_(2)",
                                  "e.fill_(lib.tensor(0.5))"])
@pytest.mark.parametrize("grad", [False, True])
def test_writes_into_an_expanded_tensor(code, grad):
    """torch refuses a write where elements share memory, except one value everywhere (fill_/zero_ with a
    number) and a write into one element; ``t[:] = number`` makes the number a tensor first: refused."""
    def program(lib):
        x = lib.ones(1, dtype=lib.float64, requires_grad=grad)
        t = x * 1
        e = t.expand(3)
        exec(code, {"e": e, "lib": lib})
        return t.detach(), e.detach(), name(e.grad_fn)
    ours, theirs = both(program)
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs) and str(ours) == str(theirs), f"{ours!r} vs torch's {theirs!r}"
        return
    same(program)


def test_index_put_value_with_leading_ones_gets_its_gradient():
    def program(lib):
        t = lib.zeros(2, dtype=lib.float64, requires_grad=True) * 1
        v = lib.tensor([[[3.0]]], dtype=lib.float64, requires_grad=True)
        t[[1]] = v * 2
        (t * lib.tensor([1.0, 5.0], dtype=lib.float64)).sum().backward()
        return t.detach(), v.grad
    same(program)


def test_threshold_keeps_nan():
    same(lambda lib: lib.nn.functional.threshold(lib.tensor([float("nan"), 0.5, -1.0], dtype=lib.float64), 0.1, 2.0))


def test_autograd_grad_runs_only_the_nodes_leading_to_its_inputs():
    """torch's engine skips the nodes from which no requested input can be reached: a tensor they saved,
    changed in place since, raises nothing (here behind a view made under no_grad, whose gradient goes
    nowhere)."""
    def program(lib):
        x = lib.tensor(0.5, dtype=lib.float64, requires_grad=True)
        with lib.no_grad():
            v = x[...]
        y = (v[None] * 1).tanh()
        y.tanh_()
        w = lib.tensor(2.0, dtype=lib.float64, requires_grad=True)
        gx, gw = lib.autograd.grad((y * 1).sum() + w * 3, [x, w], allow_unused=True)
        return gx is None, gw
    same(program)


def test_pow_checks_its_saved_result_even_for_a_constant_exponent():
    """torch's PowBackward1 saves (and unpacks) its result whatever needs a gradient."""
    def program(lib):
        x = lib.tensor(0.5, dtype=lib.float64, requires_grad=True)
        y = x ** lib.tensor([1.0, 2.0], dtype=lib.float64)
        y -= 1
        y.sum().backward()
    same_error(program, message=False)


@pytest.mark.parametrize("code", ["t[...] = b.narrow(0, 0, 1)", "b.copy_(b)", "b[0].copy_(b[1])", "b.view(6)[1:4].copy_(b.view(6)[0:3])",
                                  "b.t().copy_(b.t())"])
def test_copy_refuses_a_partly_overlapping_source(code):
    """torch's copy_ refuses a source sharing only some of the memory (the same elements with other
    strides count as partial, as torch's overlap test compares strides)."""
    def program(lib):
        b = lib.arange(6.0, dtype=lib.float64).reshape(2, 3, 1)[..., 0] if "t[" not in code else \
            lib.arange(6.0, dtype=lib.float64).reshape(2, 3, 1)
        t = b[::2].detach()
        exec(code, {"b": b, "t": t})
        return b, t
    ours, theirs = both(program)
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs) and str(ours) == str(theirs), f"{ours!r} vs torch's {theirs!r}"
        return
    same(program)


@pytest.mark.parametrize("op", ["threshold(e, 0.1, 2.0, inplace=True)", "relu(e, inplace=True)",
                                "hardtanh(e, inplace=True)", "leaky_relu(e, 0.2, inplace=True)"])
def test_in_place_activations_on_an_expanded_tensor(op):
    """torch's threshold_ alone skips the check that no two written elements share memory."""
    def program(lib):
        e = (lib.tensor([[[-1.0], [0.5]]], dtype=lib.float64, requires_grad=True) * 1).expand(2, 2, 2)
        return eval("lib.nn.functional." + op, {"lib": lib, "e": e})
    ours, theirs = both(program)
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs) and str(ours) == str(theirs), f"{ours!r} vs torch's {theirs!r}"
        return
    same(program)


def test_backward_through_a_number_written_into_an_expanded_view_raises():
    """torch lets zero_/fill_(number) write into an expanded view, but its CopySlices refuses the backward."""
    def program(lib):
        x = lib.ones(1, 1, dtype=lib.float64, requires_grad=True)
        e = (x * 1).expand(3, 3)
        e.zero_()
        lib.autograd.grad(e.sum(), x)
    same_error(program)


def test_second_derivative_of_std_at_zero_is_nan():
    """torch's std_backward divides by the std (masked where it is 0): its double backward gives nan there."""
    def program(lib):
        x = lib.tensor([[0.3], [-0.2]], dtype=lib.float64, requires_grad=True)
        w = lib.tensor([[0.5], [1.5]], dtype=lib.float64, requires_grad=True)
        y = x.clone().std(dim=-1, correction=0) @ w
        g = lib.autograd.grad(y.sum(), [x, w], create_graph=True)
        return lib.autograd.grad(sum((a * a).sum() for a in g if a.requires_grad), [x, w], allow_unused=True)
    same(program)


@pytest.mark.parametrize("value", ["chunk", "slice", "itself_through_none"])
def test_setitem_of_a_part_of_itself_as_torch(value):
    """``a[0:1] = a[:, :1]`` and ``a[None][...] = a`` (found by the full fuzz profile): torch's setitem
    expands the value to the target first (copy_to), an expanded source is never checked for partial
    overlap, and the same elements with the same strides are no overlap (where NumPy gives a size-1
    dim stride 0, torch computes one: that 0 is not compared)."""
    def program(lib):
        x = lib.tensor([[1.0, -2.0]], requires_grad=True)
        a = x.abs() * 1
        if value == "itself_through_none":
            a[None][...] = a
        else:
            a[0:1] = a.chunk(2, dim=1)[0] if value == "chunk" else a[:, :1]
        (a * lib.tensor([[1.0, 3.0]])).sum().backward()
        return a.tolist(), x.grad.tolist()
    assert program(minigrad) == program(torch)

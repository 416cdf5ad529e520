"""Per-op micro benchmarks: one op, forward and forward+backward, at sizes 10 .. 10^6 (10^7).

"fwd" calls the op on inputs that do not require grad (no graph is recorded: the raw op cost);
"fwd+bwd" calls it on leaves that require grad and back-propagates a gradient of ones into them,
clearing their ``.grad`` first, as a training step would. Inputs are float32, uniform in
[0.5, 1.5) (safe for ``div``). Softmaxes run over rows of 10 (classification logits); matmul
multiplies two square float32 matrices.
"""
from ..runner import Case, Suite

ELEMENTWISE_SIZES = (10, 100, 10**4, 10**6)
FULL_ONLY_SIZES = (10**7,)
MATMUL_SIZES = (16, 64, 256, 1024, 2048)
QUICK_MATMUL_SIZES = (16, 64, 256)


def vector(n):
    return [(n,)]


def pair(n):
    return [(n,), (n,)]


def rows_of_ten(n):
    return [(max(n // 10, 1), 10)]


# name -> (input shapes for size n, the call written against torch's API)
OPS = {
    "add": (pair, lambda lib, a, b: lib.add(a, b)),
    "mul": (pair, lambda lib, a, b: lib.mul(a, b)),
    "div": (pair, lambda lib, a, b: lib.div(a, b)),
    "exp": (vector, lambda lib, a: lib.exp(a)),
    "tanh": (vector, lambda lib, a: lib.tanh(a)),
    "sigmoid": (vector, lambda lib, a: lib.sigmoid(a)),
    "relu": (vector, lambda lib, a: lib.relu(a)),
    "sum": (vector, lambda lib, a: lib.sum(a)),
    "mean": (vector, lambda lib, a: lib.mean(a)),
    "softmax": (rows_of_ten, lambda lib, a: lib.softmax(a, dim=-1)),
    "log_softmax": (rows_of_ten, lambda lib, a: lib.log_softmax(a, dim=-1)),
}


def matmul(lib, a, b):
    return lib.matmul(a, b)


def op_step(lib, device, call, shapes, backward):
    """A zero-argument step calling ``call(lib, *inputs)``, with backward when asked."""
    inputs = [lib.rand(shape, device=device) + 0.5 for shape in shapes]
    if not backward:
        return lambda: call(lib, *inputs)
    for tensor in inputs:
        tensor.requires_grad_()
    grad = lib.ones_like(call(lib, *inputs))

    def step():
        for tensor in inputs:
            tensor.grad = None
        call(lib, *inputs).backward(grad)
    return step


def op_builder(call, shapes, backward):
    """The ``build(lib, device)`` of a case timing ``op_step``."""
    return lambda lib, device: op_step(lib, device, call, shapes, backward)


def size_label(n):
    """10, 100, 10^4, 10^6: powers of ten past 100 as exponents."""
    exponent = len(str(n)) - 1
    return f"10^{exponent}" if n >= 10**4 and n == 10**exponent else str(n)


def op_case(name, call, shapes, size, backward):
    mode = "fwd+bwd" if backward else "fwd"
    return Case("ops", f"{name} {mode}", size, op_builder(call, shapes, backward))


def cases(config, note):
    """Every op at every size, forward then forward+backward; then matmul."""
    sizes = ELEMENTWISE_SIZES + (() if config.quick else FULL_ONLY_SIZES)
    found = [op_case(name, call, shape_of(n), size_label(n), backward)
             for name, (shape_of, call) in OPS.items() for n in sizes for backward in (False, True)]
    matmul_sizes = QUICK_MATMUL_SIZES if config.quick else MATMUL_SIZES
    found += [op_case("matmul", matmul, [(n, n), (n, n)], f"{n}x{n}", backward)
              for n in matmul_sizes for backward in (False, True)]
    return found


SUITE = Suite("ops", cases, method="fwd = op on inputs without grad; fwd+bwd = op on leaves "
              "requiring grad + backward of a ones gradient; float32 inputs")

"""MLP training steps, written once against torch's API: zero_grad, forward, MSELoss, backward, SGD.

The large net also reports how close each library gets to the GEMM bound: a step does
6 x batch x sum(in x out) FLOPs in its matmuls (forward x @ W.T, backward g @ W and g.T @ x per
layer); timing exactly those float32 matmuls with numpy gives the time its BLAS needs for them
alone, and "% of GEMM bound" is that time over the step's.
"""
import numpy as np

from ..runner import Case, Suite
from ..timing import measure, no_sync

# name -> (layer widths, batch)
NETS = {
    "tiny": ([2, 8, 4, 1], 4),
    "small": ([16, 32, 32, 1], 32),
    "medium": ([784, 256, 10], 128),
    "large": ([1024, 2048, 2048, 1024], 256),
}
LEARNING_RATE = 1e-3


def layer_sizes(widths):
    """(fan_in, fan_out) of each Linear layer of a net with these widths."""
    return list(zip(widths, widths[1:]))


def mlp(lib, widths):
    """Linear layers of the given widths with ReLU between them."""
    layers = []
    for fan_in, fan_out in layer_sizes(widths):
        layers += [lib.nn.Linear(fan_in, fan_out), lib.nn.ReLU()]
    return lib.nn.Sequential(*layers[:-1])


def mlp_step(lib, device, widths, batch):
    """One SGD training step of ``mlp(widths)`` on a fixed random batch, as a zero-argument call."""
    model = mlp(lib, widths).to(device)
    loss_fn = lib.nn.MSELoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    x = lib.randn(batch, widths[0], device=device)
    y = lib.randn(batch, widths[-1], device=device)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    return step


def step_builder(net):
    """The ``build(lib, device)`` of a case timing ``mlp_step`` on one of NETS."""
    widths, batch = NETS[net]
    return lambda lib, device: mlp_step(lib, device, widths, batch)


def net_label(name):
    widths, batch = NETS[name]
    return f"{name} {widths} b{batch}"


def gemm_flops(widths, batch):
    return 6 * batch * sum(a * b for a, b in layer_sizes(widths))


def numpy_gemms(widths, batch):
    """A step's matmuls alone, in float32 numpy, with the shapes and transposes of a Linear step."""
    rng = np.random.default_rng(0)
    layers = [(rng.standard_normal((batch, a), np.float32), rng.standard_normal((b, a), np.float32),
               rng.standard_normal((batch, b), np.float32)) for a, b in layer_sizes(widths)]

    def gemms():
        for x, weight, grad in layers:
            x @ weight.T
            grad @ weight
            grad.T @ x
    return gemms


def annotate_gemm_bound(row, config):
    """Add numpy's sgemm rate and each library's % of the GEMM bound to the row (CPU only)."""
    if config.device != "cpu":
        row["notes"].append("GEMM bound: measured on CPU runs only")
        return
    widths, batch = NETS["large"]
    bound_s = measure({"numpy": (numpy_gemms(widths, batch), no_sync)},
                      config.budget_s, config.min_rounds)["numpy"].median
    flops = gemm_flops(widths, batch)
    row["gemm_bound"] = {"flops": flops, "numpy_sgemm_gflops": flops / bound_s / 1e9, "bound_s": bound_s,
                         "torch_pct": 100 * bound_s / row["torch"]["median"],
                         "minigrad_pct": 100 * bound_s / row["minigrad"]["median"]}
    row["notes"].append(
        "GEMM bound {bound_s:.3f} s ({flops:.3g} FLOP at numpy sgemm {numpy_sgemm_gflops:.0f} GFLOP/s): "
        "torch {torch_pct:.0f}%, minigrad {minigrad_pct:.0f}%".format(**row["gemm_bound"]))


def step_case(name):
    return Case("mlp", "train step", net_label(name), step_builder(name),
                annotate=annotate_gemm_bound if name == "large" else None)


def cases(config, note):
    """Every net; --quick leaves out the large one (seconds per step on a small machine)."""
    return [step_case(name) for name in NETS if not (config.quick and name == "large")]


SUITE = Suite("mlp", cases, requires=("minigrad.nn", "minigrad.optim"),
              method="one SGD step (zero_grad, forward, MSELoss, backward, step) on a fixed batch, "
                     "ReLU between Linear layers")

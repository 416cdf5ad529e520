"""Peers: the same MLP training step in other small autograd engines, beside torch and minigrad.

Each peer writes the step in its own idiom (HIPS autograd: ``grad`` of a loss function of nested
parameter arrays; MyGrad: tensors and ``backward``; micrograd: scalar ``Value`` graphs, so the tiny
net only; tinygrad: ``nn.Linear`` + ``SGD`` under ``TinyJit``, its documented fast path). All
use float32 except micrograd (Python floats). A peer that is not installed is skipped with a note.
"""
import functools
import importlib.util

import numpy as np

from ..runner import Case, Suite
from .mlp import LEARNING_RATE, NETS, layer_sizes, net_label, step_builder


def numpy_net(widths, batch):
    """Float32 (weight (out, in), bias) pairs, an input batch and a target batch."""
    rng = np.random.default_rng(0)
    params = [(rng.uniform(-a**-0.5, a**-0.5, (b, a)).astype(np.float32),
               rng.uniform(-a**-0.5, a**-0.5, b).astype(np.float32)) for a, b in layer_sizes(widths)]
    x = rng.standard_normal((batch, widths[0]), np.float32)
    y = rng.standard_normal((batch, widths[-1]), np.float32)
    return params, x, y


def autograd_step(widths, batch):
    """HIPS autograd: the gradient of a pure loss function of the parameter list."""
    import autograd.numpy as anp
    from autograd import grad
    params, x, y = numpy_net(widths, batch)

    def loss(params):
        h = x
        for i, (weight, bias) in enumerate(params):
            h = anp.dot(h, weight.T) + bias
            h = anp.maximum(h, 0) if i < len(params) - 1 else h
        return anp.mean((h - y) ** 2)
    loss_grad = grad(loss)

    def step():
        for (weight, bias), (g_weight, g_bias) in zip(params, loss_grad(params)):
            weight -= LEARNING_RATE * g_weight
            bias -= LEARNING_RATE * g_bias
    return step


def mygrad_step(widths, batch):
    """MyGrad: tensors, ``backward``, and an update of the underlying arrays."""
    import mygrad as mg
    arrays, x, y = numpy_net(widths, batch)
    params = [(mg.tensor(weight), mg.tensor(bias)) for weight, bias in arrays]

    def step():
        h = x
        for i, (weight, bias) in enumerate(params):
            h = mg.matmul(h, weight.T) + bias
            h = mg.maximum(h, 0) if i < len(params) - 1 else h
        mg.mean((h - y) ** 2).backward()
        with mg.no_autodiff:
            for tensor in (t for pair in params for t in pair):
                tensor -= LEARNING_RATE * tensor.grad
    return step


def micrograd_step(widths, batch):
    """micrograd: one scalar graph per sample, summed into the mean squared error."""
    from micrograd.nn import MLP
    _, x, y = numpy_net(widths, batch)
    model = MLP(widths[0], widths[1:])
    xs, ys = x.tolist(), y[:, 0].tolist()

    def step():
        model.zero_grad()
        loss = sum((model(xi) - yi) ** 2 for xi, yi in zip(xs, ys)) * (1.0 / len(xs))
        loss.backward()
        for p in model.parameters():
            p.data -= LEARNING_RATE * p.grad
    return step


def tinygrad_step(widths, batch):
    """tinygrad: nn.Linear layers and nn.optim.SGD, the step compiled by TinyJit."""
    from tinygrad import Context, Tensor, TinyJit, nn
    _, x, y = numpy_net(widths, batch)
    layers = [nn.Linear(a, b) for a, b in layer_sizes(widths)]
    optimizer = nn.optim.SGD(nn.state.get_parameters(layers), lr=LEARNING_RATE)
    x, y = Tensor(x), Tensor(y)

    def forward(h):
        for i, layer in enumerate(layers):
            h = layer(h)
            h = h.relu() if i < len(layers) - 1 else h
        return h

    @TinyJit
    def jitted_step():
        optimizer.zero_grad()
        loss = ((forward(x) - y) ** 2).mean().backward()
        optimizer.step()
        return loss.realize()

    def step():
        with Context(TRAINING=1):
            jitted_step()
    return step


FULL_NETS = ("tiny", "small", "medium")
QUICK_NETS = ("tiny",)
# peer -> (module to look for, builder, nets it runs)
PEERS = {
    "autograd": ("autograd", autograd_step, FULL_NETS),
    "mygrad": ("mygrad", mygrad_step, FULL_NETS),
    "micrograd": ("micrograd", micrograd_step, ("tiny",)),
    "tinygrad": ("tinygrad", tinygrad_step, FULL_NETS),
}


def cases(config, note):
    """An MLP-step case per net, carrying the installed peers that run it."""
    installed = {}
    for name, (module, build, nets) in PEERS.items():
        if importlib.util.find_spec(module) is None:
            note(f"{name} not installed: skipped (pip install {module})")
        else:
            installed[name] = (build, nets)
    found = []
    for net in QUICK_NETS if config.quick else FULL_NETS:
        peers = {name: functools.partial(build, *NETS[net]) for name, (build, nets) in installed.items()
                 if net in nets}
        found.append(Case("peers", "train step", net_label(net), step_builder(net), peers=peers))
    return found if installed else []


SUITE = Suite("peers", cases, requires=("minigrad.nn", "minigrad.optim"), devices=("cpu",),
              method="the mlp suite's step; each peer's ratio is peer time / torch time")

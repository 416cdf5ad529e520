"""Convolutional networks: conv2d and max_pool2d at the sizes of a small CNN, and one training
step of the course's CNN chapter network (issue 17), each as a ratio to torch in the same run.

"fwd" calls the op on inputs without grad; "fwd+bwd" calls it on leaves that require grad
(input, weight, bias) and back-propagates a fixed random gradient into them, clearing their
``.grad`` first. Inputs are float32 N(0, 1), batch 32, 3x3 kernels with padding 1. The chapter
step is zero_grad, forward, CrossEntropyLoss, backward, Adam on 64x64 RGB images (batch 32,
7 classes) through Conv(3->32)-ELU-MaxPool-Conv(32->64)-ELU-MaxPool-Flatten-Linear.
"""
from ..runner import Case, Suite

BATCH = 32
# label -> (in channels, height = width, out channels)
CONVS = {"3x32x32->16": (3, 32, 16), "16x16x16->32": (16, 16, 32)}
POOL = (16, 32)  # channels, height = width of the max_pool2d input


def conv_step(lib, device, channels, size, filters, backward):
    """conv2d(x, weight, bias, padding=1) as a zero-argument call (with backward when asked)."""
    lib.manual_seed(0)
    x = lib.randn(BATCH, channels, size, size, device=device)
    weight = lib.randn(filters, channels, 3, 3, device=device) * 0.1
    bias = lib.randn(filters, device=device)
    call = lambda: lib.nn.functional.conv2d(x, weight, bias, padding=1)  # noqa: E731
    if not backward:
        return call
    leaves = [x.requires_grad_(), weight.requires_grad_(), bias.requires_grad_()]
    grad = lib.randn(BATCH, filters, size, size, device=device)

    def step():
        for leaf in leaves:
            leaf.grad = None
        call().backward(grad)
    return step


def pool_step(lib, device, backward):
    """max_pool2d(x, 2) as a zero-argument call (with backward when asked)."""
    lib.manual_seed(0)
    channels, size = POOL
    x = lib.randn(BATCH, channels, size, size, device=device)
    call = lambda: lib.nn.functional.max_pool2d(x, 2)  # noqa: E731
    if not backward:
        return call
    x.requires_grad_()
    grad = lib.randn(BATCH, channels, size // 2, size // 2, device=device)

    def step():
        x.grad = None
        call().backward(grad)
    return step


def chapter_network(lib, size, num_classes=7):
    """The chapter's model (issue 17) for ``size`` x ``size`` RGB images."""
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(3, 32, kernel_size=3, padding=1), nn.ELU(), nn.MaxPool2d(kernel_size=2),
        nn.Conv2d(32, 64, kernel_size=3, padding=1), nn.ELU(), nn.MaxPool2d(kernel_size=2),
        nn.Flatten(), nn.Linear(64 * (size // 4) ** 2, num_classes))


def chapter_step(lib, device, size=64):
    """One Adam training step of the chapter's network on a batch of 32 images."""
    lib.manual_seed(0)
    model = chapter_network(lib, size).to(device)
    optimizer = lib.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = lib.nn.CrossEntropyLoss()
    images = lib.rand(BATCH, 3, size, size, device=device)
    labels = lib.randint(0, 7, (BATCH,), device=device)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
    return step


def cases(config, note):
    found = []
    for label, (channels, size, filters) in CONVS.items():
        for backward in (False, True):
            mode = "fwd+bwd" if backward else "fwd"
            found.append(Case("conv", f"conv2d {mode}", f"b{BATCH} {label}",
                              lambda lib, device, c=channels, s=size, f=filters, b=backward:
                              conv_step(lib, device, c, s, f, b)))
    for backward in (False, True):
        found.append(Case("conv", f"max_pool2d {'fwd+bwd' if backward else 'fwd'}", f"b{BATCH} {POOL[0]}x{POOL[1]}x{POOL[1]}",
                          lambda lib, device, b=backward: pool_step(lib, device, b)))
    found.append(Case("conv", "CNN chapter step", f"b{BATCH} 3x64x64", chapter_step))
    return found


SUITE = Suite("conv", cases, requires=("minigrad.nn", "minigrad.optim"),
              method="float32 batch 32; fwd+bwd back-propagates a fixed random gradient; the chapter "
                     "step is zero_grad + forward + CrossEntropyLoss + backward + Adam")

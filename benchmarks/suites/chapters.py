"""The course chapters' training loops end to end: one epoch through a shuffling DataLoader.

Everything a chapter's notebook does per epoch is inside the timed call: sampling, collating
batches, moving them to the device, forward, loss, backward, optimizer step. The DataLoader case
times the data pipeline alone.
"""
from ..runner import Case, Suite


def dataloader(lib, samples, features, targets, batch_size):
    """A shuffling DataLoader over a random TensorDataset (targets: a tensor of ``samples`` rows)."""
    data = lib.utils.data
    dataset = data.TensorDataset(lib.randn(samples, features), targets)
    return data.DataLoader(dataset, batch_size=batch_size, shuffle=True)


def epoch_step(lib, device, loader, model, loss_fn, optimizer):
    """One epoch over ``loader`` training ``model``, as a zero-argument call."""
    model.to(device)

    def epoch():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
    return epoch


def chapter3_regression(lib, device):
    """Chapter 3: 1000 samples x 8 features, batch 16, Linear-ReLU-Linear, MSELoss, SGD."""
    nn = lib.nn
    loader = dataloader(lib, 1000, 8, lib.randn(1000, 1), batch_size=16)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1))
    return epoch_step(lib, device, loader, model, nn.MSELoss(), lib.optim.SGD(model.parameters(), lr=0.01))


def chapter4_classification(lib, device):
    """Chapter 4: 1000 samples x 20 features, 3 classes, batch 32, CrossEntropyLoss, Adam."""
    nn = lib.nn
    loader = dataloader(lib, 1000, 20, lib.randint(0, 3, (1000,)), batch_size=32)
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 3))
    return epoch_step(lib, device, loader, model, nn.CrossEntropyLoss(),
                      lib.optim.Adam(model.parameters(), lr=1e-3))


def dataloader_epoch(lib, device):
    """The data pipeline alone: 10000 samples x 8 features, batch 64, shuffled."""
    loader = dataloader(lib, 10000, 8, lib.randn(10000, 1), batch_size=64)

    def epoch():
        for xb, yb in loader:
            xb.to(device), yb.to(device)
    return epoch


def cases(config, note):
    return [Case("chapters", "ch3 regression epoch", "1000x8 b16", chapter3_regression),
            Case("chapters", "ch4 classification epoch", "1000x20 b32", chapter4_classification),
            Case("chapters", "dataloader epoch", "10000x8 b64", dataloader_epoch)]


SUITE = Suite("chapters", cases, requires=("minigrad.nn", "minigrad.optim", "minigrad.utils.data"),
              method="one epoch per call, DataLoader(shuffle=True) included")

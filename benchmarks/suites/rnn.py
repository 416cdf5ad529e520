"""Recurrent layers at the course's size: a 2-layer LSTM and GRU (input 1, hidden 32, sequence 96,
batch 32, batch_first) -- forward, forward + backward, and one training step of the chapter's
forecaster (the layer, a Linear on the last step, MSELoss, Adam), written once against torch's API.

On CPU torch runs float32 LSTMs through oneDNN's fused kernel and GRUs through per-step ATen ops
with autograd; minigrad runs each layer as one op whose time loop makes a few NumPy calls per step
(``nn/_rnn_ops.py``), so its floor is those calls' overhead on 32x32 arrays.
"""
from ..runner import Case, Suite

INPUT, HIDDEN, LAYERS, STEPS, BATCH = 1, 32, 2, 96, 32
SIZE = f"in {INPUT}, hidden {HIDDEN}, {LAYERS} layers, seq {STEPS}, b{BATCH}"


def _layer(lib, device, kind):
    lib.manual_seed(0)
    layer = getattr(lib.nn, kind)(INPUT, HIDDEN, num_layers=LAYERS, batch_first=True).to(device)
    return layer, lib.randn(BATCH, STEPS, INPUT, device=device)


def forward(kind):
    def build(lib, device):
        layer, x = _layer(lib, device, kind)

        def step():
            with lib.no_grad():
                layer(x)
        return step
    return build


def forward_backward(kind):
    def build(lib, device):
        layer, x = _layer(lib, device, kind)

        def step():
            out, _ = layer(x)
            out.sum().backward()
        return step
    return build


def train_step(kind):
    """One Adam step of the chapter's model: the layer, then a Linear on the last time step."""
    def build(lib, device):
        layer, x = _layer(lib, device, kind)
        head = lib.nn.Linear(HIDDEN, 1).to(device)
        y = lib.randn(BATCH, 1, device=device)
        optimizer = lib.optim.Adam(list(layer.parameters()) + list(head.parameters()), lr=1e-3)
        loss_fn = lib.nn.MSELoss()

        def step():
            optimizer.zero_grad()
            out, _ = layer(x)
            loss = loss_fn(head(out[:, -1, :]), y)
            loss.backward()
            optimizer.step()
        return step
    return build


def cases(config, note):
    return [Case("rnn", f"{kind} {what}", SIZE, make(kind))
            for kind in ("LSTM", "GRU")
            for what, make in (("forward", forward), ("fwd+bwd", forward_backward), ("train step", train_step))]


SUITE = Suite("rnn", cases, requires=("minigrad.nn", "minigrad.optim"),
              method="nn.LSTM / nn.GRU forward (no_grad), forward + backward of out.sum(), and one Adam step "
                     "of layer -> Linear(last step) -> MSELoss, on a fixed random batch")

"""train() vs eval(): Dropout masks and BatchNorm1d running statistics."""
import torch
import torch.nn as nn

torch.manual_seed(0)
drop = nn.Dropout(p=0.5)
x = torch.ones(2, 8)
print(drop(x))
drop.eval()
print(drop(x))

bn = nn.BatchNorm1d(3)
data = torch.randn(16, 3) * 2 + 1
out = bn(data)
print(out.mean(dim=0).abs().max() < 1e-6, out.std(dim=0, unbiased=False))
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
bn.eval()
print(bn(data)[:2])

# No bias before BatchNorm: the normalisation cancels it, so its gradient is rounding noise that Adam
# would turn into full-size steps.
model = nn.Sequential(nn.Linear(3, 6, bias=False), nn.BatchNorm1d(6), nn.ReLU(), nn.Dropout(0.2), nn.Linear(6, 1))
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(5):
    model.train()
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(data), data.sum(1, keepdim=True))
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 5))
model.eval()
with torch.no_grad():
    print(model(data[:4]))
print(model.training, model[1].training)
print(model.state_dict()["1.running_mean"])

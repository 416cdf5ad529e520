"""Data prepared in NumPy (normalised with np.mean/np.std), then handed to a torch model."""
import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(7)
X_np = rng.normal(5.0, 2.0, size=(50, 3)).astype(np.float32)
y_np = (X_np @ np.array([1.5, -2.0, 0.5], dtype=np.float32) + 1.0).reshape(-1, 1)

x = torch.from_numpy(X_np)
m, s = np.mean(X_np), np.std(X_np)
x_norm = (x - m) / s
print(x_norm.dtype, x_norm[:2])
x_cols = (x - X_np.mean(axis=0)) / X_np.std(axis=0)
print(x_cols.mean(dim=0), x_cols.dtype)

torch.manual_seed(0)
model = nn.Linear(3, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.05)
y = torch.from_numpy(y_np)
for epoch in range(50):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x_cols), y)
    loss.backward()
    opt.step()
    if epoch % 10 == 0:
        print(epoch, loss.item())
print(model.weight.data.numpy() * np.float32(2), model.bias.item() * np.float64(0.5))
print(model(x_cols[:3]).detach().numpy().round(4))

"""Chapter 3: pandas -> numpy -> TensorDataset -> DataLoader(shuffle=True); MSELoss; the training
loop with SGD over epochs; ReLU and LeakyReLU."""
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import TensorDataset, DataLoader

torch.manual_seed(0)
rng = np.random.default_rng(0)
frame = pd.DataFrame(rng.normal(size=(64, 4)), columns=["a", "b", "c", "d"])
frame["target"] = frame["a"] * 2 - frame["b"] + 0.5 * frame["c"] ** 2 + rng.normal(scale=0.1, size=64)
features = frame[["a", "b", "c", "d"]].to_numpy()
target = frame["target"].to_numpy()
dataset = TensorDataset(torch.tensor(features).float(), torch.tensor(target).float())
print(len(dataset), dataset[0])
loader = DataLoader(dataset, batch_size=8, shuffle=True)
features_batch, target_batch = next(iter(loader))
print(features_batch, target_batch)

relu, leaky = nn.ReLU(), nn.LeakyReLU(negative_slope=0.05)
probe = torch.tensor([-2.0, -0.5, 0.0, 1.5], requires_grad=True)
print(relu(probe), leaky(probe))
leaky(probe).sum().backward()
print(probe.grad)

print(nn.MSELoss()(torch.tensor([1.0, 2.0]), torch.tensor([1.5, 1.0])))
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 8), nn.LeakyReLU(), nn.Linear(8, 1))
criterion = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
for epoch in range(5):
    total = 0.0
    for data in loader:
        optimizer.zero_grad()
        inputs, targets = data
        prediction = model(inputs)
        loss = criterion(prediction, targets.view(-1, 1))
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch}: loss {total / len(loader):.6f}")
print(model[0].weight[:2])

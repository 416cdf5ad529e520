"""A custom Dataset over a CSV file (written to a temporary directory), a DataLoader and an MLP."""
import csv
import os
import tempfile

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, random_split

rng = np.random.RandomState(0)
path = os.path.join(tempfile.mkdtemp(), "houses.csv")
with open(path, "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["rooms", "area", "age", "distance", "price"])
    for _ in range(240):
        rooms, area, age, distance = rng.randint(1, 6), rng.uniform(30, 200), rng.uniform(0, 80), rng.uniform(1, 30)
        price = 50 * rooms + 2.5 * area - 0.8 * age - 3 * distance + rng.normal(0, 10)
        writer.writerow([rooms, f"{area:.2f}", f"{age:.1f}", f"{distance:.2f}", f"{price:.2f}"])


class HousesDataset(Dataset):
    def __init__(self, csv_file):
        with open(csv_file) as f:
            rows = list(csv.DictReader(f))
        data = torch.tensor([[float(r[k]) for k in ("rooms", "area", "age", "distance")] for r in rows])
        self.mean, self.std = data.mean(dim=0), data.std(dim=0)
        self.features = (data - self.mean) / self.std
        self.targets = torch.tensor([float(r["price"]) for r in rows]).unsqueeze(1) / 100

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, idx):
        return self.features[idx], self.targets[idx]


torch.manual_seed(42)
dataset = HousesDataset(path)
print(len(dataset), dataset[0])
train_set, test_set = random_split(dataset, [200, 40])
train_loader = DataLoader(train_set, batch_size=16, shuffle=True)
test_loader = DataLoader(test_set, batch_size=40)

model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 1))
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

for epoch in range(10):
    model.train()
    running_loss = 0.0
    for features, target in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(features), target)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    model.eval()
    with torch.no_grad():
        test_loss = sum(criterion(model(f), t).item() for f, t in test_loader)
    print(f"Epoch {epoch + 1}: train loss {running_loss / len(train_loader):.4f}, test loss {test_loss:.4f}")

"""Intermediate: a custom Dataset reading a CSV (water-quality-like: 9 float features and a 0/1
label), BatchNorm1d, ELU, kaiming_uniform_ with nonlinearity, Adam, BCELoss, binary Accuracy."""
import os
import tempfile

import numpy as np
import pandas as pd
import torch
import torch.nn as nn
import torch.nn.init as init
from torch.utils.data import Dataset, DataLoader
from torchmetrics import Accuracy

rng = np.random.default_rng(11)
columns = ["ph", "Hardness", "Solids", "Chloramines", "Sulfate", "Conductivity", "Organic_carbon",
           "Trihalomethanes", "Turbidity"]
data = rng.normal(size=(200, 9))
label = ((data[:, 0] - data[:, 3] + 0.5 * data[:, 8]) > 0).astype(int)
path = os.path.join(tempfile.mkdtemp(), "water_potability.csv")
pd.DataFrame(np.column_stack([data, label]), columns=columns + ["Potability"]).to_csv(path, index=False)


class WaterDataset(Dataset):
    def __init__(self, csv_path):
        super().__init__()
        self.data = pd.read_csv(csv_path).to_numpy()

    def __len__(self):
        return self.data.shape[0]

    def __getitem__(self, idx):
        features = self.data[idx, :-1]
        label = self.data[idx, -1]
        return features, label


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        # No bias before BatchNorm: its mean subtraction cancels a bias, whose gradient is then pure
        # rounding noise (which Adam would amplify into steps that differ between libraries).
        self.fc1 = nn.Linear(9, 16, bias=False)
        self.bn1 = nn.BatchNorm1d(16)
        self.fc2 = nn.Linear(16, 8, bias=False)
        self.bn2 = nn.BatchNorm1d(8)
        self.fc3 = nn.Linear(8, 1)
        init.kaiming_uniform_(self.fc1.weight)
        init.kaiming_uniform_(self.fc2.weight)
        init.kaiming_uniform_(self.fc3.weight, nonlinearity="sigmoid")

    def forward(self, x):
        x = nn.functional.elu(self.bn1(self.fc1(x)))
        x = nn.functional.elu(self.bn2(self.fc2(x)))
        return nn.functional.sigmoid(self.fc3(x))


torch.manual_seed(5)
dataset = WaterDataset(path)
print(len(dataset), dataset[0])
loader = DataLoader(dataset, batch_size=20, shuffle=True)
features, labels = next(iter(loader))
print(features.dtype, labels.dtype, features.shape)
net = Net()
print(net)
criterion = nn.BCELoss()
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
for epoch in range(4):
    net.train()
    for features, labels in loader:
        optimizer.zero_grad()
        outputs = net(features.float())
        loss = criterion(outputs, labels.view(-1, 1).float())
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch} loss {loss.item():.6f}")
print(net.bn1.running_mean, net.bn1.running_var, net.bn1.num_batches_tracked)

acc = Accuracy(task="binary")
net.eval()
with torch.no_grad():
    for features, labels in DataLoader(dataset, batch_size=50):
        outputs = net(features.float())
        preds = (outputs >= 0.5).float()
        acc(preds, labels.view(-1, 1))
print("accuracy", acc.compute())

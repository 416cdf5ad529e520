"""Chapter 4: freezing layers, transfer learning and fine-tuning, weight initialisation,
train()/eval(), no_grad validation, Dropout, and accuracy with torchmetrics."""
import os
import tempfile

import torch
import torch.nn as nn
import torchmetrics
from torch.utils.data import TensorDataset, DataLoader

torch.manual_seed(3)

# Initialisation schemes
layer = nn.Linear(6, 4)
nn.init.uniform_(layer.weight)
print(layer.weight.min() >= 0, layer.weight.max() <= 1)
nn.init.normal_(layer.weight, mean=0.0, std=0.02)
print(layer.weight)
nn.init.xavier_uniform_(layer.weight)
print(layer.weight)
nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
nn.init.zeros_(layer.bias)
print(layer.weight, layer.bias)

# Task A: train a small classifier
x = torch.randn(96, 6)
labels_a = (x[:, 0] + x[:, 1] > 0).long()
model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(p=0.2), nn.Linear(16, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
criterion = nn.CrossEntropyLoss()
loader = DataLoader(TensorDataset(x, labels_a), batch_size=16, shuffle=True)
for epoch in range(3):
    model.train()
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()
    print("task A epoch", epoch, loss.item())

# Validation with train()/eval(), no_grad and a metric
metric = torchmetrics.Accuracy(task="multiclass", num_classes=2)
model.eval()
validation_loss = 0.0
with torch.no_grad():
    for inputs, labels in loader:
        outputs = model(inputs)
        validation_loss += criterion(outputs, labels).item()
        metric.update(outputs.argmax(dim=-1), labels)
print("validation loss", validation_loss / len(loader), "accuracy", metric.compute())
metric.reset()

# Transfer learning: save, load into a new model, replace the head, freeze, fine-tune
path = os.path.join(tempfile.mkdtemp(), "task_a.pth")
torch.save(model.state_dict(), path)
new_model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(p=0.2), nn.Linear(16, 2))
print(new_model.load_state_dict(torch.load(path)))
new_model[-1] = nn.Linear(16, 3)
for name, param in new_model.named_parameters():
    if name.startswith("0."):
        param.requires_grad = False
print([(name, p.requires_grad) for name, p in new_model.named_parameters()])
frozen_before = new_model[0].weight.clone()
labels_b = (x[:, 2] > 0.5).long() + (x[:, 3] > 0).long()
optimizer = torch.optim.SGD([p for p in new_model.parameters() if p.requires_grad], lr=0.05)
new_model.train()
for epoch in range(3):
    for inputs, labels in DataLoader(TensorDataset(x, labels_b), batch_size=32, shuffle=True):
        optimizer.zero_grad()
        loss = criterion(new_model(inputs), labels)
        loss.backward()
        optimizer.step()
    print("fine-tune epoch", epoch, loss.item())
print("frozen layer unchanged:", torch.equal(frozen_before, new_model[0].weight))
new_model.eval()
with torch.no_grad():
    print(new_model(x[:4]))

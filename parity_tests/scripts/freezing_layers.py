"""Freezing layers: requires_grad = False, an optimizer over the trainable parameters only."""
import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 2))
total = sum(p.numel() for p in model.parameters())
for name, param in model.named_parameters():
    if name.startswith("0.") or name.startswith("2."):
        param.requires_grad = False
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"total params: {total}, trainable: {trainable}")
for name, param in model.named_parameters():
    print(name, param.requires_grad, tuple(param.shape))

frozen_before = model[0].weight.clone()
head_before = model[4].weight.clone()
optimizer = optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.1, momentum=0.9)
criterion = nn.CrossEntropyLoss()
x = torch.randn(64, 10)
y = (x[:, 0] > 0).long()
for step in range(20):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
    if step % 5 == 0:
        print(step, round(loss.item(), 5))
print("frozen layer unchanged:", torch.equal(model[0].weight, frozen_before))
print("head changed:", not torch.equal(model[4].weight, head_before))
print(model[0].weight.grad, model[4].weight.grad.shape)

for param in model.parameters():
    param.requires_grad_(True)
print(sum(p.numel() for p in model.parameters() if p.requires_grad))

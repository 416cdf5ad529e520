"""Transfer learning: pretrain, save the state_dict, load it into a new model, replace the head,
freeze the backbone, then unfreeze with per-group learning rates and a StepLR schedule."""
import os
import tempfile

import torch
from torch import nn, optim


class Net(nn.Module):
    def __init__(self, n_out):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh())
        self.fc = nn.Linear(16, n_out)

    def forward(self, x):
        return self.fc(self.backbone(x))


torch.manual_seed(3)
x = torch.randn(128, 8)
y_a = (x[:, :4].sum(1) > 0).long()
y_b = (x[:, 0] * x[:, 1] > 0).long() + (x[:, 2] > 1).long()

pretrained = Net(2)
opt = optim.Adam(pretrained.parameters(), lr=0.01)
for _ in range(30):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(pretrained(x), y_a)
    loss.backward()
    opt.step()
print("pretrain loss", round(loss.item(), 5))
path = os.path.join(tempfile.mkdtemp(), "pretrained.pt")
torch.save(pretrained.state_dict(), path)

model = Net(2)
model.load_state_dict(torch.load(path))
model.fc = nn.Linear(16, 3)
for param in model.backbone.parameters():
    param.requires_grad = False
print([n for n, p in model.named_parameters() if p.requires_grad])
opt = optim.SGD(model.fc.parameters(), lr=0.1, momentum=0.9)
for epoch in range(10):
    opt.zero_grad()
    loss = nn.CrossEntropyLoss()(model(x), y_b)
    loss.backward()
    opt.step()
print("head-only loss", round(loss.item(), 5))

for param in model.backbone.parameters():
    param.requires_grad = True
opt = optim.SGD([{"params": model.backbone.parameters(), "lr": 1e-3},
                 {"params": model.fc.parameters()}], lr=1e-2, momentum=0.9)
scheduler = optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
for epoch in range(12):
    opt.zero_grad()
    loss = nn.CrossEntropyLoss()(model(x), y_b)
    loss.backward()
    opt.step()
    scheduler.step()
    if epoch % 4 == 0:
        print(epoch, round(loss.item(), 5), [g["lr"] for g in opt.param_groups])
with torch.no_grad():
    acc = (model(x).argmax(1) == y_b).float().mean().item()
print("accuracy", acc)

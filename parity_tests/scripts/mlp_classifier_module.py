"""A two-moons-like binary classifier: nn.Module subclass, BCEWithLogitsLoss, Adam, accuracy."""
import math

import torch
import torch.nn as nn

torch.manual_seed(0)
n = 200
t = torch.rand(n) * math.pi
upper = torch.stack([torch.cos(t), torch.sin(t)], dim=1)
lower = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], dim=1)
X = torch.cat([upper, lower]) + 0.1 * torch.randn(2 * n, 2)
y = torch.cat([torch.zeros(n), torch.ones(n)]).unsqueeze(1)


class Classifier(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.layer1 = nn.Linear(2, hidden)
        self.layer2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, 1)
        self.act = nn.LeakyReLU(0.1)

    def forward(self, x):
        x = self.act(self.layer1(x))
        x = self.act(self.layer2(x))
        return self.out(x)


model = Classifier()
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.02, weight_decay=1e-4)
for epoch in range(60):
    optimizer.zero_grad()
    logits = model(X)
    loss = criterion(logits, y)
    loss.backward()
    optimizer.step()
    if epoch % 10 == 0:
        acc = ((torch.sigmoid(logits) > 0.5).float() == y).float().mean()
        print(f"epoch {epoch:3d} loss {loss.item():.5f} acc {acc.item():.3f}")
with torch.no_grad():
    probs = torch.sigmoid(model(torch.tensor([[0.0, 0.5], [1.0, -0.3]])))
print(probs.squeeze().tolist())

"""Custom weight initialisation with model.apply and nn.init (xavier, kaiming, normal, constant)."""
import torch
import torch.nn as nn

torch.manual_seed(0)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


net = nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, 4))
net.apply(init_weights)
print(net[0].weight[0], net[0].bias.sum().item())

nn.init.kaiming_normal_(net[2].weight, mode="fan_out", nonlinearity="relu")
nn.init.constant_(net[2].bias, 0.1)
print(net[2].weight.mean().item(), net[2].weight.std().item(), net[2].bias)

layer = nn.Linear(100, 50)
nn.init.normal_(layer.weight, mean=0.0, std=0.02)
nn.init.uniform_(layer.bias, -0.1, 0.1)
print(round(layer.weight.std().item(), 6), layer.bias[:4])
nn.init.kaiming_uniform_(layer.weight, a=0.1)
print(layer.weight.abs().max().item())
nn.init.xavier_normal_(layer.weight, gain=nn.init.calculate_gain("tanh"))
print(nn.init.calculate_gain("tanh"), layer.weight.std().item())
with torch.no_grad():
    layer.weight.fill_(0.5)
print(layer.weight.sum())
print(net(torch.ones(2, 6)))

"""Chapter 1: tensors and their operations, nn.Linear, nn.Sequential, counting parameters."""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(42)

# Creating tensors from lists, floats and ints, and their dtypes
temperatures = [[72, 75, 78], [70, 73, 76]]
t = torch.tensor(temperatures)
print(t, t.shape, t.dtype)
f = torch.tensor([[1.5, 2.0], [3.25, -4.0]])
print(f, f.dtype, torch.tensor(3.0), torch.tensor(7).dtype)
print(torch.from_numpy(np.array([1.0, 2.0])), torch.zeros(2, 3), torch.ones(2, dtype=torch.int32))
print(torch.arange(6).reshape(2, 3), torch.linspace(0, 1, 5), torch.eye(2))

# Tensor arithmetic
a = torch.tensor([[2, 3], [4, 5]])
b = torch.tensor([[1, 2], [3, 4]])
print(a + b, a - b, a * b, a / b, a @ b, a ** 2, a // 2, a % 3)
adjustment = torch.tensor([[2, 2, 2], [2, 2, 2]])
print(t + adjustment, (t * 1.8 + 32).mean(), t.float().mean(dim=0), t.max(), t.sum(dim=1))

# A linear layer
input_tensor = torch.tensor([[0.3471, 0.4547, -0.2356]])
linear_layer = nn.Linear(in_features=3, out_features=2)
output = linear_layer(input_tensor)
print(output)
print(linear_layer.weight, linear_layer.bias)
print(linear_layer)

# Stacking layers with nn.Sequential
model = nn.Sequential(nn.Linear(10, 18), nn.Linear(18, 20), nn.Linear(20, 5))
print(model)
x = torch.randn(2, 10)
print(model(x))

# Counting parameters
total = 0
for parameter in model.parameters():
    total += parameter.numel()
print("total parameters:", total)
print([name for name, _ in model.named_parameters()])
print(sum(p.numel() for p in nn.Sequential(nn.Linear(8, 4), nn.Linear(4, 2)).parameters()))

"""Chapter 2: Sigmoid and Softmax heads, regression/binary/multi-class models, one-hot encoding,
reading weights, biases and .grad, and a manual gradient-descent step."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

input_tensor = torch.tensor([[6.0]])
sigmoid = nn.Sigmoid()
print(sigmoid(input_tensor))
scores = torch.tensor([[4.3, 6.1, 2.3]])
probabilities = nn.Softmax(dim=-1)(scores)
print(probabilities, probabilities.sum())

x = torch.randn(5, 6)
regression = nn.Sequential(nn.Linear(6, 4), nn.Linear(4, 1))
binary = nn.Sequential(nn.Linear(6, 4), nn.Linear(4, 1), nn.Sigmoid())
multiclass = nn.Sequential(nn.Linear(6, 4), nn.Linear(4, 3), nn.Softmax(dim=-1))
print(regression(x))
print(binary(x))
print(multiclass(x))
print(multiclass)

# One-hot encoding and cross-entropy
print(F.one_hot(torch.tensor(0), num_classes=3), F.one_hot(torch.tensor([2, 0, 1])))
y = torch.tensor([2, 0, 1, 1, 0])
logits = nn.Sequential(nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 3))(x)
criterion = nn.CrossEntropyLoss()
loss = criterion(logits, y)
print(loss)
one_hot_target = F.one_hot(y, num_classes=3).double()
print(criterion(logits.double(), one_hot_target))

# Reading weights, biases and gradients
model = nn.Sequential(nn.Linear(6, 4), nn.Linear(4, 2))
loss = criterion(model(x), torch.tensor([0, 1, 1, 0, 1]))
loss.backward()
weight0 = model[0].weight
print(weight0, model[0].bias, weight0.grad, model[1].bias.grad)

# A manual gradient-descent step
lr = 0.001
with torch.no_grad():
    weight0 -= lr * weight0.grad
    model[0].bias -= lr * model[0].bias.grad
print(model[0].weight, model[0].bias)
print(criterion(model(x), torch.tensor([0, 1, 1, 0, 1])))

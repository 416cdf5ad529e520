"""Indexing the way NumPy users write it: masks, integer tensors, lists, ranges and arrays."""
import numpy as np
import torch

torch.manual_seed(0)
x = torch.arange(20).reshape(4, 5)
print(x[x % 2 == 0])
print(x[torch.tensor([0, 2])])
print(x[:, torch.tensor([1, 3])])
idx = torch.tensor([3, 1, 0])
print(x[idx, idx])
print(x.gather(1, torch.tensor([[0], [1], [2], [3]])))
print(x.index_select(0, torch.tensor([1, 1])))
print(x.masked_fill(x > 10, -1))
print(x[[0, 3]])
print(x[:, [0, 4]])
print(x[range(4), [0, 1, 2, 3]])
print(x[np.array([2, 0])])
y = torch.zeros(5)
y[[1, 3]] = 1.0
print(y)

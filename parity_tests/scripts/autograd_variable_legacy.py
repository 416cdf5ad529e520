"""Old-style autograd (pre-0.4 tutorials still online): Variable, FloatTensor, is_tensor, numel."""
import torch
from torch.autograd import Variable

x = Variable(torch.FloatTensor([[1, 2], [3, 4]]), requires_grad=True)
print(x)
y = x * x + 2
out = y.mean()
print(out)
out.backward()
print(x.grad)
print(x.data)
print(torch.is_tensor(x), torch.numel(x))
t = torch.LongTensor([1, 2, 3])
print(t, t.dtype)

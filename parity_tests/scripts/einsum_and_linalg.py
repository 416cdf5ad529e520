"""The "einsum is all you need" style of notebook: einsum next to the ops it replaces, then a few
torch.linalg calls and the cumulative/triangular helpers of RL and attention code."""
import torch

torch.manual_seed(0)
a = torch.randn(3, 4)
b = torch.randn(4, 5)
v = torch.randn(4)
print(torch.einsum("ij,jk->ik", a, b))
print(torch.allclose(torch.einsum("ij,jk->ik", a, b), a @ b, atol=1e-6))
print(torch.einsum("ij->ji", a).shape, torch.einsum("ij->", a), torch.einsum("ij,j->i", a, v))
print(torch.einsum("i,j->ij", v, v).shape, torch.outer(v, v).shape)
s = torch.randn(4, 4)
print(torch.einsum("ii->", s), torch.trace(s), torch.diag(s))
batch = torch.randn(2, 3, 4)
print(torch.einsum("bij,bjk->bik", batch, batch.transpose(1, 2)).shape)

gamma = 0.9
rewards = torch.tensor([1.0, 0.0, 0.5, 2.0])
discounts = torch.cumprod(torch.full((4,), gamma), dim=0) / gamma
print(discounts, (discounts * rewards).sum())
print(torch.triu(s), torch.tril(s, diagonal=-1))

m = s @ s.T + 4 * torch.eye(4)
print(torch.linalg.norm(v), torch.linalg.vector_norm(v, ord=1))
print(torch.linalg.det(m), torch.allclose(torch.linalg.inv(m) @ m, torch.eye(4), atol=1e-5))
x = torch.linalg.solve(m, v)
print(x, torch.allclose(m @ x, v, atol=1e-5))

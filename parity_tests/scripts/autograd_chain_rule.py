"""Autograd by hand and by torch: scalar chains, non-leaf grads, torch.autograd.grad, higher order."""
import torch

a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(-3.0, requires_grad=True)
c = a * b
c.retain_grad()
d = c + a ** 2
e = d.tanh()
e.backward()
print("e:", e.item())
print("de/da:", a.grad.item(), "de/db:", b.grad.item(), "de/dc:", c.grad.item())
print("by hand:", ((1 - e ** 2) * (b + 2 * a)).item())

x = torch.linspace(-2, 2, 5, requires_grad=True)
y = (x ** 3 - 2 * x).sum()
(dy,) = torch.autograd.grad(y, x, create_graph=True)
print("dy/dx:", dy)
(d2y,) = torch.autograd.grad(dy.sum(), x)
print("d2y/dx2:", d2y)

w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
h = w.register_hook(lambda g: g * 2)
(w * w).sum().backward()
print("hooked grad:", w.grad)
h.remove()
w.grad = None
(w * w).sum().backward()
print("plain grad:", w.grad)
print(w.is_leaf, (w * 2).is_leaf, (w * 2).grad_fn)
with torch.no_grad():
    w -= 0.1 * w.grad
print(w)

"""d2l "Softmax Regression Implementation from Scratch" (random images stand in for Fashion-MNIST)."""
import torch

torch.manual_seed(0)
num_inputs, num_outputs = 64, 10
X_all = torch.rand(300, num_inputs)
y_all = (X_all[:, :num_outputs] * torch.arange(1.0, 11.0)).argmax(dim=1)

W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)

X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(X.sum(0, keepdim=True), X.sum(1, keepdim=True))


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


X = torch.normal(0, 1, (2, 5))
X_prob = softmax(X)
print(X_prob, X_prob.sum(1))


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


y = torch.tensor([0, 2])
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(y_hat[[0, 1], y])


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y])


print(cross_entropy(y_hat, y))


def accuracy(y_hat, y):
    """Compute the number of correct predictions."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


print(accuracy(y_hat, y) / len(y))

lr = 0.1
for epoch in range(5):
    for i in range(0, 300, 50):
        Xb, yb = X_all[i:i + 50], y_all[i:i + 50]
        l = cross_entropy(net(Xb), yb)
        l.mean().backward()
        with torch.no_grad():
            for param in (W, b):
                param -= lr * param.grad
                param.grad.zero_()
    with torch.no_grad():
        print(f"epoch {epoch + 1}: loss {cross_entropy(net(X_all), y_all).mean():f}, "
              f"train acc {accuracy(net(X_all), y_all) / len(y_all):.3f}")

"""The torchmetrics quick start: a metric over batches (forward, compute, reset), and a few more."""
import torch
import torchmetrics

torch.manual_seed(0)
metric = torchmetrics.classification.Accuracy(task="multiclass", num_classes=5)

n_batches = 10
for i in range(n_batches):
    preds = torch.randn(10, 5).softmax(dim=-1)
    target = torch.randint(5, (10,))
    acc = metric(preds, target)
    print(f"Accuracy on batch {i}: {acc}")

acc = metric.compute()
print(f"Accuracy on all data: {acc}")
metric.reset()

precision = torchmetrics.Precision(task="multiclass", num_classes=5, average="macro")
recall = torchmetrics.Recall(task="multiclass", num_classes=5, average="macro")
for _ in range(3):
    preds = torch.randn(20, 5)
    target = torch.randint(5, (20,))
    precision.update(preds, target)
    recall.update(preds, target)
print(f"Precision: {precision.compute():.4f}, Recall: {recall.compute():.4f}")

mse = torchmetrics.MeanSquaredError()
mse.update(torch.tensor([2.5, 0.0, 2.0, 8.0]), torch.tensor([3.0, -0.5, 2.0, 7.0]))
print("MSE:", mse.compute().item())

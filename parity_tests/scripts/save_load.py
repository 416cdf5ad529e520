"""The official "Saving and loading models" recipe: state_dict, optimizer state, a checkpoint dict."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.optim as optim


class TheModelClass(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(12, 20)
        self.fc2 = nn.Linear(20, 8)
        self.fc3 = nn.Linear(8, 3)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)


torch.manual_seed(0)
model = TheModelClass()
optimizer = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)

print("Model's state_dict:")
for param_tensor in model.state_dict():
    print(param_tensor, "\t", model.state_dict()[param_tensor].size())

x, y = torch.randn(16, 12), torch.randint(0, 3, (16,))
loss = nn.CrossEntropyLoss()(model(x), y)
loss.backward()
optimizer.step()
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name])

folder = tempfile.mkdtemp()
PATH = os.path.join(folder, "model.pt")
torch.save(model.state_dict(), PATH)
model2 = TheModelClass()
model2.load_state_dict(torch.load(PATH, weights_only=True))
model2.eval()
print(torch.equal(model(x), model2(x)))

CKPT = os.path.join(folder, "checkpoint.tar")
torch.save({"epoch": 5, "model_state_dict": model.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(), "loss": loss.item()}, CKPT)
model3 = TheModelClass()
optimizer3 = optim.SGD(model3.parameters(), lr=0.5)
checkpoint = torch.load(CKPT)
model3.load_state_dict(checkpoint["model_state_dict"])
optimizer3.load_state_dict(checkpoint["optimizer_state_dict"])
print(checkpoint["epoch"], checkpoint["loss"], optimizer3.param_groups[0]["lr"])
for p, q in zip(optimizer.param_groups[0]["params"], optimizer3.param_groups[0]["params"]):
    print(torch.equal(optimizer.state[p]["momentum_buffer"], optimizer3.state[q]["momentum_buffer"]))
model3.train()
loss3 = nn.CrossEntropyLoss()(model3(x), y)
print(loss3)

"""Learning-rate schedules as a training loop sees them: StepLR, MultiStepLR, ExponentialLR,
CosineAnnealingLR, LambdaLR, OneCycleLR and ReduceLROnPlateau."""
import torch
from torch import nn, optim
from torch.optim import lr_scheduler

torch.manual_seed(0)
model = nn.Linear(4, 1)
x, y = torch.randn(32, 4), torch.randn(32, 1)


def run(make_scheduler, epochs=8, plateau=False):
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = make_scheduler(opt)
    lrs = []
    for epoch in range(epochs):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        scheduler.step(1.0) if plateau else scheduler.step()
        lrs.append(round(opt.param_groups[0]["lr"], 8))
    return lrs


print("StepLR", run(lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.5)))
print("MultiStepLR", run(lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 5], gamma=0.1)))
print("ExponentialLR", run(lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9)))
print("CosineAnnealingLR", run(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=8)))
print("LambdaLR", run(lambda o: lr_scheduler.LambdaLR(o, lr_lambda=lambda epoch: 0.95 ** epoch)))
print("OneCycleLR", run(lambda o: lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=8)))
print("ReduceLROnPlateau", run(lambda o: lr_scheduler.ReduceLROnPlateau(o, patience=1), plateau=True))
opt = optim.SGD(model.parameters(), lr=0.1)
sched = lr_scheduler.StepLR(opt, step_size=2)
for _ in range(3):
    opt.step()
    sched.step()
print(sched.get_last_lr(), sched.state_dict()["last_epoch"])
print(nn.functional.mse_loss(model(x), y).item())

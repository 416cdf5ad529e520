"""Chapter 5: images and convolutional neural networks. A folder of cloud photos (here: small
synthetic PNGs written with Pillow), loaded class by class as ``ImageFolder`` does, augmented as the
chapter does (random horizontal flip, rotation up to 45 degrees, autocontrast, to tensor, resize),
a Conv2d-ELU-MaxPool feature extractor with a Linear classifier, trained with CrossEntropyLoss and
Adam, then macro and per-class precision and recall with torchmetrics.

The chapter uses torchvision; this script does its steps with Pillow and tensors (torchvision cannot
be installed beside the CPU build of torch here), drawing from the generator exactly as
torchvision's transforms do, so it runs on torch and on minigrad alike. minigrad.vision's own
transforms are checked against these draws in parity_tests/test_vision.py.
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from PIL import Image, ImageOps
from torch.utils.data import DataLoader, Dataset
from torchmetrics import Precision, Recall

CLASSES = ["cirriform clouds", "clear sky", "cumulonimbus clouds", "cumulus clouds", "high cumuliform clouds",
           "stratiform clouds", "stratocumulus clouds"]
SIZE, STORED = 32, 40  # the model sees 32x32 images; the files are 40x40


def write_image_folder(root, per_class=4, seed=0):
    """root/<class>/<k>.png: each class a colour gradient with a bright blob, plus noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:STORED, 0:STORED] / STORED
    for c, name in enumerate(CLASSES):
        os.makedirs(os.path.join(root, name))
        for k in range(per_class):
            cy, cx = rng.uniform(0.2, 0.8, 2)
            blob = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) * (4 + 6 * c))
            image = np.stack([0.3 + 0.1 * c * yy, 0.5 * xx + 0.05 * c, 0.9 - 0.1 * c * xx], axis=-1)
            image = image + 0.6 * blob[..., None] + rng.normal(scale=0.05, size=image.shape)
            Image.fromarray((np.clip(image, 0, 1) * 255).astype(np.uint8)).save(os.path.join(root, name, f"{k}.png"))


class CloudFolder(Dataset):
    """ImageFolder's order (sorted class folders, sorted files) and torchvision's augmentation draws."""

    def __init__(self, root, train=True):
        self.classes = sorted(entry.name for entry in os.scandir(root) if entry.is_dir())
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}
        self.samples = [(os.path.join(root, name, f), self.class_to_idx[name])
                        for name in self.classes for f in sorted(os.listdir(os.path.join(root, name)))]
        self.train = train

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        path, label = self.samples[index]
        with open(path, "rb") as f:
            image = Image.open(f).convert("RGB")
        if self.train:
            if torch.rand(1) < 0.5:  # RandomHorizontalFlip()
                image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            angle = float(torch.empty(1).uniform_(-45.0, 45.0).item())  # RandomRotation(45)
            image = image.rotate(angle, Image.Resampling.NEAREST, False, None, fillcolor=(0, 0, 0))
            if torch.rand(1).item() < 0.5:  # RandomAutocontrast()
                image = ImageOps.autocontrast(image)
        x = torch.from_numpy(np.array(image)).permute(2, 0, 1).contiguous().float().div(255)  # ToTensor()
        x = F.interpolate(x.unsqueeze(0), size=(SIZE, SIZE), mode="bilinear", align_corners=False,
                          antialias=True).squeeze(0)  # Resize((SIZE, SIZE))
        return x, label


torch.manual_seed(0)
root = tempfile.mkdtemp()
write_image_folder(root)
dataset_train = CloudFolder(root)
print(dataset_train.classes)
print(dataset_train.class_to_idx, len(dataset_train))
dataloader_train = DataLoader(dataset_train, shuffle=True, batch_size=8)

# Displaying an image: (1, C, H, W) -> (H, W, C)
image, label = next(iter(DataLoader(dataset_train, shuffle=True, batch_size=1)))
print(image.shape, label)
image = image.squeeze().permute(1, 2, 0)
print(image.shape, image.mean(), image[0, :4])

# Convolution and pooling building blocks
conv = nn.Conv2d(3, 2, kernel_size=3, padding=1)
print(conv, conv.weight.shape, conv.bias)
patch = torch.rand(1, 3, 6, 6)
print(conv(patch))
print(nn.MaxPool2d(kernel_size=2)(patch), nn.AvgPool2d(kernel_size=2)(patch))
print(nn.ELU()(torch.tensor([-2.0, -0.5, 0.0, 1.5])))


class Net(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.feature_extractor = nn.Sequential(
            nn.Conv2d(3, 32, kernel_size=3, padding=1),
            nn.ELU(),
            nn.MaxPool2d(kernel_size=2),
            nn.Conv2d(32, 64, kernel_size=3, padding=1),
            nn.ELU(),
            nn.MaxPool2d(kernel_size=2),
            nn.Flatten(),
        )
        self.classifier = nn.Linear(64 * (SIZE // 4) * (SIZE // 4), num_classes)

    def forward(self, x):
        x = self.feature_extractor(x)
        x = self.classifier(x)
        return x


net = Net(num_classes=7)
print(net)
print([(name, tuple(p.shape)) for name, p in net.named_parameters()])
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(net.parameters(), lr=0.001)

for epoch in range(2):
    running_loss = 0.0
    for images, labels in dataloader_train:
        optimizer.zero_grad()
        outputs = net(images)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    epoch_loss = running_loss / len(dataloader_train)
    print(f"Epoch {epoch + 1}, Loss: {epoch_loss:.4f}")

# Evaluation: macro and per-class precision and recall
dataset_test = CloudFolder(root, train=False)
dataloader_test = DataLoader(dataset_test, shuffle=False, batch_size=8)
metric_precision = Precision(task="multiclass", num_classes=7, average="macro")
metric_recall = Recall(task="multiclass", num_classes=7, average="macro")
per_class_precision = Precision(task="multiclass", num_classes=7, average=None)
per_class_recall = Recall(task="multiclass", num_classes=7, average=None)
net.eval()
with torch.no_grad():
    for images, labels in dataloader_test:
        outputs = net(images)
        _, preds = torch.max(outputs, 1)
        for metric in (metric_precision, metric_recall, per_class_precision, per_class_recall):
            metric(preds, labels)
        print(preds, labels)
precision = metric_precision.compute()
recall = metric_recall.compute()
print(f"Precision: {precision:.4f}")
print(f"Recall: {recall:.4f}")
precision_per_class = {k: per_class_precision.compute()[v].item() for k, v in dataset_test.class_to_idx.items()}
print(precision_per_class)
print(per_class_recall.compute())

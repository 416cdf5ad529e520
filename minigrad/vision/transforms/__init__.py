"""torchvision.transforms: the transform classes (``transforms.py``) and ``functional``."""
from . import functional  # noqa: F401
from .functional import InterpolationMode  # noqa: F401
from .transforms import (  # noqa: F401
    Compose, ToTensor, PILToTensor, ToPILImage, Normalize, Resize, CenterCrop, RandomCrop, RandomHorizontalFlip,
    RandomVerticalFlip, RandomResizedCrop, RandomRotation, RandomAutocontrast, ColorJitter, Grayscale)

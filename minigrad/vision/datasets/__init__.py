"""torchvision.datasets: ``ImageFolder`` and ``DatasetFolder`` (``folder.py``)."""
from .folder import DatasetFolder, ImageFolder, IMG_EXTENSIONS, default_loader, pil_loader  # noqa: F401

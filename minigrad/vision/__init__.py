"""``minigrad.vision``: torchvision's image data pieces on minigrad tensors (``python -m minigrad.run``
makes ``import torchvision`` mean this package).

* ``datasets.ImageFolder``: a folder of class folders of images, as torchvision reads it.
* ``transforms``: PIL and tensor image transforms; the random ones draw from minigrad's default
  generator exactly as torchvision draws from torch's, so a seeded pipeline gives torchvision's images.
* ``utils.make_grid``: a batch of images tiled into one.

Images are Pillow images (the optional ``vision`` extra: ``pip install -e ".[vision]"``); the sources
are torchvision's torchvision/transforms/transforms.py, functional.py, _functional_pil.py,
_functional_tensor.py, datasets/folder.py and utils.py (github.com/pytorch/vision).
"""
from . import datasets, transforms, utils  # noqa: F401

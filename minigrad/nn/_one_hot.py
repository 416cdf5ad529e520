"""``F.one_hot``: class indices as rows of 0s with a 1 at the index (int64, like torch)."""
import numpy as np

from .._backend import xp
from ..dtypes import int64
from ..tensor import Tensor


def one_hot(tensor, num_classes=-1):
    """(*) int64 indices -> (*, num_classes) int64; ``num_classes=-1`` means max + 1. Not differentiable."""
    if tensor.dtype is not int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    x, array_module = tensor._data, xp(tensor.device)
    if x.size == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return Tensor._wrap(array_module.zeros(x.shape + (num_classes,), np.int64))
    if x.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(x.max()) + 1
    elif num_classes <= x.max():
        raise RuntimeError("Class values must be smaller than num_classes.")
    return Tensor._wrap((x[..., None] == array_module.arange(num_classes)).astype(np.int64))

"""``F.local_response_norm`` (Krizhevsky et al. 2012, "ImageNet Classification with Deep Convolutional
Neural Networks"): divide each value by a power of the mean square over ``size`` neighbouring channels:

    b[c] = a[c] / (k + alpha * mean(a[c']**2 for c' in c - size//2 .. c + (size-1)//2))**beta

with zeros beyond the first and last channel (the mean always divides by ``size``). A composition of
Tensor ops as in torch (torch/nn/functional.py, which pools with avg_pool2d/3d), so its last node is
``DivBackward0`` and double backward comes free. Input (N, C, *) with at least 3 dims.
"""
from ._pad_ops import pad


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):  # noqa: A002 - torch's parameter name
    """Same shape as ``input``; raises ValueError for inputs of fewer than 3 dims (torch's message)."""
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    channels = input.shape[1]
    squares = input.mul(input).reshape(input.shape[0], 1, channels, -1)  # channels in dim -2
    padded = pad(squares, (0, 0, size // 2, (size - 1) // 2))
    window_sum = padded.narrow(2, 0, channels)
    for offset in range(1, size):
        window_sum = window_sum + padded.narrow(2, offset, channels)
    div = (window_sum / size).reshape(input.shape)
    return input / div.mul(alpha).add(k).pow(beta)

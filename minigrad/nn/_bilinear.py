"""``F.bilinear``: y[..., o] = sum_ij x1[..., i] * weight[o, i, j] * x2[..., j] + bias[o].

A composition of Tensor ops (so double backward comes free), shaped so the last node is torch's:
``ViewBackward0`` (the final reshape) without bias, ``AddBackward0`` with it. With x1 flattened to
(N, in1) and weight laid out as (in1, out * in2), one matmul gives every x1 @ weight[o] at once;
multiplying by x2 and summing over j finishes the bilinear form.
"""


def _check(input1, input2, weight, bias):
    """torch's argument checks (aten/src/ATen/native/Linear.cpp), in its order."""
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and {input2.dim()}")
    for i in range(input1.dim() - 1):
        if input1.shape[i] != input2.shape[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: got "
                               f"{input1.shape[i]} and {input2.shape[i]}")
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {weight.shape[1]}")
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {weight.shape[2]}")
    if bias is not None and bias.shape[0] != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.shape[0]} but "
                           f"expected {weight.shape[0]}")


def bilinear(input1, input2, weight, bias=None):
    """input1 (*, in1), input2 (*, in2), weight (out, in1, in2), bias (out,) -> (*, out).
    Raises RuntimeError (torch's messages) when the shapes disagree."""
    _check(input1, input2, weight, bias)
    out_features, in1, in2 = weight.shape
    batch = tuple(input1.shape[:-1])
    left = input1.reshape(-1, in1) @ weight.permute(1, 0, 2).reshape(in1, out_features * in2)  # (N, out*in2)
    right = input2.reshape(-1, 1, in2)
    output = (left.reshape(-1, out_features, in2) * right).sum(-1).reshape(*batch, out_features)
    return output if bias is None else output + bias

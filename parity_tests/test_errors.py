"""Bad input meets torch's exception type and a message naming the problem (table-driven).

Each case runs the same code on torch and on minigrad: both must raise the same exception type,
and both messages must match the case's pattern. Cases from every part of the library live here;
``state_after`` checks that a failed operation left its objects unchanged.
"""
import re

import numpy as np
import pytest
import torch

import minigrad

CASES = []


def case(name, match, exc=None):
    """Register ``fn(lib)`` as a bad-input case whose messages match ``match``."""
    def register(fn):
        CASES.append(pytest.param(fn, match, exc, id=name))
        return fn
    return register


# --- shapes ----------------------------------------------------------------------------------------
case("broadcast", r"The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1")(
    lambda lib: lib.ones(2, 3) + lib.ones(2, 4))
case("broadcast_mul", r"must match the size of tensor b")(lambda lib: lib.ones(3) * lib.ones(2, 4))
case("matmul_2d", r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)")(
    lambda lib: lib.ones(2, 3) @ lib.ones(4, 5))
case("matmul_1d", r"inconsistent tensor size")(lambda lib: lib.ones(3) @ lib.ones(4))
case("matmul_0d", r"both arguments to matmul need to be at least 1D")(lambda lib: lib.tensor(1.0) @ lib.ones(3))
case("mm_not_matrix", r"must be a matrix")(lambda lib: lib.mm(lib.ones(3), lib.ones(3, 2)))
case("matmul_dtypes", r"expected m1 and m2 to have the same dtype, but got: float != double")(
    lambda lib: lib.ones(2, 2) @ lib.ones(2, 2, dtype=lib.float64))
case("cat_sizes", r"Sizes of tensors must match except in dimension 0. Expected size 3 but got size 2 for tensor "
                  r"number 1 in the list.")(lambda lib: lib.cat([lib.ones(2, 3), lib.ones(2, 2)]))
case("cat_ndim", r"Tensors must have same number of dimensions: got 2 and 1")(
    lambda lib: lib.cat([lib.ones(2, 3), lib.ones(3)]))
case("cat_empty", r"expected a non-empty list of Tensors")(lambda lib: lib.cat([]))
case("stack_sizes", r"stack expects each tensor to be equal size, but got \[2\] at entry 0 and \[3\] at entry 1")(
    lambda lib: lib.stack([lib.ones(2), lib.ones(3)]))
case("view_size", r"shape '\[4, 2\]' is invalid for input of size 6")(lambda lib: lib.ones(2, 3).view(4, 2))
case("reshape_size", r"shape '\[5, -1\]' is invalid for input of size 6")(lambda lib: lib.ones(6).reshape(5, -1))
case("reshape_two_minus_one", r"only one dimension can be inferred")(lambda lib: lib.ones(6).reshape(-1, -1))
case("view_non_contiguous", r"view size is not compatible with input tensor's size and stride")(
    lambda lib: lib.ones(2, 3).t().view(6))
case("expand", r"The expanded size of the tensor \(4\) must match the existing size \(3\) at non-singleton "
               r"dimension 1")(lambda lib: lib.ones(2, 3).expand(2, 4))
case("dim_out_of_range", r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)", IndexError)(
    lambda lib: lib.ones(2, 3).sum(2))
case("softmax_dim", r"Dimension out of range", IndexError)(lambda lib: lib.ones(2, 3).softmax(5))
case("permute_dup", r"duplicate dims are not allowed")(lambda lib: lib.ones(2, 3).permute(0, 0))
case("in_place_broadcast", r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]")(
    lambda lib: lib.ones(3).add_(lib.ones(2, 3)))
case("setitem_shape", r"The expanded size of the tensor \(3\) must match the existing size \(4\) at non-singleton "
                      r"dimension 0.  Target sizes: \[3\].  Tensor sizes: \[4\]")(
    lambda lib: lib.ones(2, 3).__setitem__(0, lib.ones(4)))
case("setitem_advanced_shape", r"shape mismatch: value tensor of shape \[4\] cannot be broadcast to indexing result "
                               r"of shape \[2, 3\]")(lambda lib: lib.ones(2, 3).__setitem__([0, 1], lib.ones(4)))
case("negative_dim", r"zeros: Dimension size must be non-negative.")(lambda lib: lib.zeros(2, -1))
case("item_many", r"a Tensor with 3 elements cannot be converted to Scalar")(lambda lib: lib.ones(3).item())
case("bool_many", r"Boolean value of Tensor with more than one value is ambiguous")(
    lambda lib: bool(lib.ones(3)))
case("len_0d", r"len\(\) of a 0-d tensor", TypeError)(lambda lib: len(lib.tensor(1.0)))
case("split_sizes", r"split_with_sizes expects split_sizes to sum exactly to 5")(
    lambda lib: lib.ones(5).split([2, 2]))
case("arange_step", r"step must be nonzero")(lambda lib: lib.arange(0, 5, 0))
case("arange_sign", r"upper bound and lower bound inconsistent with step sign")(lambda lib: lib.arange(5, 0, 1))

# --- dtypes -----------------------------------------------------------------------------------------
case("requires_grad_int", r"Only Tensors of floating point and complex dtype can require gradients")(
    lambda lib: lib.tensor([1, 2], requires_grad=True))
case("requires_grad_int_method", r"only Tensors of floating point dtype can require gradients")(
    lambda lib: lib.tensor([1, 2]).requires_grad_())
case("mean_int", r"mean\(\): could not infer output dtype. Input dtype must be either a floating point or complex "
                 r"dtype. Got: Long")(lambda lib: lib.tensor([1, 2]).mean())
case("in_place_cast", r"result type Float can't be cast to the desired output type Long")(
    lambda lib: lib.tensor([1, 2]).mul_(1.5))
case("neg_bool", r"Negation, the `-` operator, on a bool tensor is not supported")(
    lambda lib: -lib.tensor([True]))
case("sub_bool", r"Subtraction, the `-` operator, with two bool tensors is not supported")(
    lambda lib: lib.tensor([True]) - lib.tensor([False]))
case("int_negative_pow", r"Integers to negative integer powers are not allowed")(
    lambda lib: lib.tensor([2]) ** -1)
case("float_index", r"tensors used as indices must be long, int, byte or bool tensors", IndexError)(
    lambda lib: lib.ones(3)[lib.tensor([0.0])])
case("numpy_requires_grad", r"Can't call numpy\(\) on Tensor that requires grad")(
    lambda lib: lib.ones(2, requires_grad=True).numpy())
case("default_dtype_int", r"only floating-point types are supported as the default type", TypeError)(
    lambda lib: lib.set_default_dtype(lib.int64))
case("where_cond_dtype", r"where expected condition to be a boolean tensor")(
    lambda lib: lib.where(lib.ones(2), lib.ones(2), lib.zeros(2)))

# --- indexing ---------------------------------------------------------------------------------------
case("index_out_of_range", r"index 5 is out of bounds for dimension 0 with size 3", IndexError)(
    lambda lib: lib.ones(3)[5])
case("index_tensor_out_of_range", r"out of bounds for dimension 0 with size 3", IndexError)(
    lambda lib: lib.ones(3)[lib.tensor([0, 7])])
case("select_out_of_range", r"select\(\): index 4 out of range for tensor of size \[3\] at dimension 0", IndexError)(
    lambda lib: lib.ones(3).select(0, 4))
case("gather_out_of_range", r"index 4 is out of bounds for dimension 1 with size 2")(
    lambda lib: lib.ones(2, 2).gather(1, lib.tensor([[0, 4], [1, 0]])))
case("gather_dtype", r"gather\(\): Expected dtype int32/int64 for index")(
    lambda lib: lib.ones(2, 2).gather(1, lib.tensor([[0.0, 1.0], [1.0, 0.0]])))
case("index_select_range", r"index out of range in self", IndexError)(
    lambda lib: lib.ones(2, 2).index_select(0, lib.tensor([3])))
case("masked_fill_dtype", r"masked_fill_ only supports boolean masks")(
    lambda lib: lib.ones(2).masked_fill(lib.tensor([1, 0]), 0.0))

# --- autograd misuse --------------------------------------------------------------------------------
def _backward_twice(lib):
    x = lib.ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _in_place_saved(lib):
    x = lib.ones(2, requires_grad=True)
    y = x.sigmoid()
    z = (y * 2).sum() + (y * y).sum()
    y.add_(1)
    z.backward()


def _non_leaf_requires_grad_false(lib):
    x = lib.ones(2, requires_grad=True)
    (x * 2).requires_grad_(False)


def _grad_not_used(lib):
    x, y = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
    lib.autograd.grad((x * 2).sum(), [x, y])


def _grad_shape(lib):
    x = lib.ones(2, requires_grad=True)
    (x * 2).backward(lib.ones(3))


case("backward_twice", r"Trying to backward through the graph a second time")(_backward_twice)
case("non_scalar_backward", r"grad can be implicitly created only for scalar outputs")(
    lambda lib: (lib.ones(2, requires_grad=True) * 2).backward())
case("backward_without_grad", r"element 0 of tensors does not require grad and does not have a grad_fn")(
    lambda lib: lib.ones(2).sum().backward())
case("in_place_leaf", r"a leaf Variable that requires grad is being used in an in-place operation")(
    lambda lib: lib.ones(2, requires_grad=True).mul_(2))
case("in_place_saved", r"one of the variables needed for gradient computation has been modified by an inplace "
                       r"operation")(_in_place_saved)
case("non_leaf_flag", r"you can only change requires_grad flags of leaf variables")(_non_leaf_requires_grad_false)
case("grad_unused", r"The differentiated Tensor at index 1 appears to not have been used in the graph")(_grad_not_used)
case("grad_output_shape", r"Mismatch in shape: grad_output\[0\] has a shape of torch.Size\(\[3\]\) and output\[0\] "
                          r"has a shape of torch.Size\(\[2\]\)")(_grad_shape)
case("hook_no_grad", r"cannot register a hook on a tensor that doesn't require gradient")(
    lambda lib: lib.ones(2).register_hook(lambda g: g))


@pytest.mark.parametrize("fn,match,exc", CASES)
def test_bad_input_matches_torch(fn, match, exc):
    with pytest.raises(Exception) as theirs:
        fn(torch)
    with pytest.raises(Exception) as ours:
        fn(minigrad)
    assert re.search(match, str(theirs.value)), f"the case's pattern no longer matches torch: {theirs.value}"
    expected_type = exc or type(theirs.value)
    assert isinstance(theirs.value, expected_type)
    assert type(ours.value) is expected_type or isinstance(ours.value, expected_type), \
        f"{type(ours.value).__name__} raised, torch raises {type(theirs.value).__name__}: {ours.value}"
    assert re.search(match, str(ours.value)), f"message {str(ours.value)!r} does not match {match!r}"


def test_corpus_size():
    assert len(CASES) >= 50


@pytest.mark.parametrize("bad", [
    lambda t: t.add_(minigrad.ones(2, 3)),
    lambda t: t.mul_(1.5),
    lambda t: t.__setitem__(0, minigrad.ones(4)),
    lambda t: t.copy_(minigrad.ones(5)),
])
def test_failed_in_place_op_leaves_the_tensor_unchanged(bad):
    t = minigrad.tensor([1, 2, 3])
    version = t._version
    with pytest.raises((RuntimeError, ValueError)):
        bad(t)
    assert t.tolist() == [1, 2, 3] and t._version == version

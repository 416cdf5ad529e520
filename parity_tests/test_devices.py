"""Devices and DLPack: CPU always; CUDA against torch CUDA when CuPy and a GPU are present."""
import numpy as np
import pytest
import torch

import minigrad
from conftest import cuda_skip_reason


def test_device_objects_print_like_torch():
    for spec in ["cpu", "cuda", "cuda:1"]:
        assert repr(minigrad.device(spec)) == repr(torch.device(spec))
        assert str(minigrad.device(spec)) == str(torch.device(spec))
    assert minigrad.ones(2).device == minigrad.device("cpu") and minigrad.ones(2).device == "cpu"
    assert not minigrad.ones(2).is_cuda


def test_bad_device_string():
    for lib in (minigrad, torch):
        with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
            lib.device("gpu")


@pytest.mark.skipif(cuda_skip_reason() is None, reason="a GPU is present: the error path does not apply")
def test_asking_for_cuda_without_a_gpu_is_a_clear_error():
    assert not minigrad.cuda.is_available() and minigrad.cuda.device_count() == 0
    for make in (lambda: minigrad.ones(2, device="cuda"), lambda: minigrad.ones(2).cuda(),
                 lambda: minigrad.ones(2).to("cuda")):
        with pytest.raises(RuntimeError, match="CuPy"):
            make()


def test_dlpack_zero_copy_with_torch_on_cpu():
    t = torch.arange(6.0).reshape(2, 3)
    m = minigrad.from_dlpack(t)
    m[0, 0] = 42.0
    assert t[0, 0].item() == 42.0
    back = torch.from_dlpack(m)
    back[1, 2] = -1.0
    assert m[1, 2].item() == -1.0 and m.dtype == minigrad.float32


def test_to_same_device_is_a_no_op():
    x = minigrad.ones(2)
    assert x.to("cpu") is x and x.cpu() is x


def test_cuda_tensors_round_trip(device):
    if device != "cuda":
        pytest.skip("runs on cuda only")
    x = minigrad.randn(3, 4, requires_grad=True)
    y = x.to("cuda")
    assert y.is_cuda and str(y.device) == "cuda:0"
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 2 * x.detach().numpy())  # x + x and 2 * x: exact
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        minigrad.cat([x.detach(), y.detach()])
    t = torch.from_dlpack(y.detach())
    assert t.is_cuda and minigrad.from_dlpack(t).is_cuda


# --- the strict stand-in device (strict_device.py) is as strict as CuPy where it matters -----------
def test_the_stand_in_refuses_what_cupy_refuses(monkeypatch):
    import strict_device
    strict_device.install(monkeypatch)
    x = minigrad.arange(6.0, device=strict_device.DEVICE)
    assert x.device == minigrad.device("cuda", 0) and isinstance(x._data, strict_device.StrictArray)
    with pytest.raises(TypeError, match="Implicit conversion to a NumPy array"):
        np.asarray(x._data)
    with pytest.raises(TypeError, match="host array met a device array"):
        x._data + np.arange(6.0)
    assert isinstance(x._data.sum(), strict_device.StrictArray) and x._data.sum().ndim == 0  # 0-d, no scalar
    assert isinstance(np.zeros(2, like=x._data), strict_device.StrictArray)
    with pytest.raises(ValueError, match="non-scalar numpy.ndarray cannot be used for fill"):
        x._data[1:3] = np.ones(2)  # CuPy copies a host array over only for ``a[:] = host``
    x._data[:] = np.arange(6.0)
    assert x.cpu().tolist() == list(range(6)) and (x * 2).sum().item() == 30.0  # explicit .get() is the way out

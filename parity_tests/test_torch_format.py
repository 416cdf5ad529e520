"""torch's checkpoint format, both ways, against real torch: ``minigrad.load`` reads what
``torch.save`` writes, and ``torch.load(f, weights_only=True)`` reads what
``minigrad.save(obj, f, format="torch")`` writes.

Each checkpoint in ``CHECKPOINTS`` is built by one function for either library (``lib`` is torch
or minigrad), from the same values. A loaded object must match the saved one node by node: the
same containers (dict, OrderedDict, list, tuple) and scalars, and for every tensor the same type
(Tensor or Parameter), dtype, shape, strides, requires_grad and values; and between every two
tensors, the same identity and the same memory sharing (``np.shares_memory`` on both sides), so a
tensor and its view stay views. Malicious files in torch's format are in test_safety.py.
"""
import io
import math
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn  # noqa: F401
import minigrad.optim  # noqa: F401

DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


def _values(shape, dtype, seed=0):
    return (np.random.default_rng(seed).standard_normal(shape) * 50).astype(dtype)


def _tensor(lib, array, **kwargs):
    return lib.tensor(array.tolist() if array.ndim else array.item(), dtype=getattr(lib, str(array.dtype)), **kwargs)


def _dtypes(lib):
    shapes = [(), (0,), (3,), (2, 3), (2, 0, 4), (1, 2, 3, 2)]
    return {f"{d}_{i}": _tensor(lib, _values(shape, d, i)) for d in DTYPES for i, shape in enumerate(shapes)}


def _views(lib):
    base = lib.arange(24.0).reshape(2, 3, 4)
    ints = lib.arange(12).reshape(3, 4)
    return {"base": base, "t": base[0].t(), "slice_step": base[:, ::2, 1::2], "select": base[1],
            "permute": base.permute(2, 0, 1), "expand": base[:, :1].expand(2, 5, 4), "unsqueeze": base.unsqueeze(1),
            "again": base,  # the same tensor twice: one tensor after loading
            "ints": ints, "ints_t": ints.t(), "ints_row": ints[2],
            "alone_t": lib.arange(6.0).reshape(2, 3).t(),  # non-contiguous, alone on its storage
            "flags": lib.tensor([True, False, True])[::2]}


def _model(lib, seed=0):
    """Linear, BatchNorm1d (int64 num_batches_tracked), Linear, after a training step's forward."""
    lib.manual_seed(seed)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.ReLU(), lib.nn.Linear(4, 2))
    model(_tensor(lib, _values((5, 3), "float32")))
    return model


def _optimizer(lib, name, **kwargs):
    model = _model(lib)
    opt = getattr(lib.optim, name)(model.parameters(), lr=0.01, **kwargs)
    for _ in range(3):
        opt.zero_grad()
        model(_tensor(lib, _values((5, 3), "float32", 1))).pow(2).mean().backward()
        opt.step()
    return opt


def _training_checkpoint(lib):
    model, loss = _model(lib), _tensor(lib, np.array([0.25, 0.5], np.float32), requires_grad=True).sum()
    return {"epoch": 7, "model_state_dict": model.state_dict(),
            "optimizer_state_dict": _optimizer(lib, "Adam").state_dict(), "loss": loss,
            "history": [1.5, math.inf, -math.inf, 0.1], "meta": (None, True, "ünïcode", 2 ** 70, -2 ** 63, ())}


def _parameters(lib):
    weight = lib.nn.Parameter(lib.arange(6.0).reshape(2, 3))
    return OrderedDict(weight=weight, frozen=lib.nn.Parameter(lib.ones(2), requires_grad=False),
                       tied=weight.detach().t(), leaf=lib.ones(3, requires_grad=True))


def _tensor_keys(lib):
    t = lib.arange(3.0)
    return {t: "a tensor as key", "same": t, 1: [t, (t,)]}


CHECKPOINTS = {
    "dtypes_and_shapes": _dtypes,
    "views_and_shared_storage": _views,
    "model_state_dict": lambda lib: _model(lib).state_dict(),
    "adam_state_dict": lambda lib: _optimizer(lib, "Adam").state_dict(),
    "adamw_amsgrad_state_dict": lambda lib: _optimizer(lib, "AdamW", amsgrad=True).state_dict(),
    "sgd_momentum_state_dict": lambda lib: _optimizer(lib, "SGD", momentum=0.9, nesterov=True).state_dict(),
    "rmsprop_state_dict": lambda lib: _optimizer(lib, "RMSprop", momentum=0.5).state_dict(),
    "training_checkpoint": _training_checkpoint,
    "parameters": _parameters,
    "tensor_keys": _tensor_keys,
    "bare_tensor": lambda lib: lib.arange(10).reshape(2, 5)[:, 1:],
    "empty_dict": lambda lib: {},
}


# --- comparing a loaded object with the saved one, across libraries ---------------------------------
def _is_tensor(x):
    return isinstance(x, (torch.Tensor, minigrad.Tensor))


def _record(t):
    """What a tensor is, in terms both libraries share. (Strides of an empty tensor are left out:
    minigrad's ``stride()`` reports NumPy's for them, e.g. (0,) where torch has (1,).)"""
    kind = "parameter" if isinstance(t, (torch.nn.Parameter, minigrad.nn.Parameter)) else "tensor"
    stride = tuple(t.stride()) if t.numel() else None
    return kind, str(t.dtype), tuple(t.shape), stride, bool(t.requires_grad)


def _array(t):
    return t.detach().numpy()


def _container_kind(x):
    for kind in (OrderedDict, dict, list, tuple):
        if isinstance(x, kind):
            return kind.__name__
    return None


def _pair_up(a, b, tensors, path="obj"):
    """Walk ``a`` and ``b`` together; collect their tensors in order, pairwise."""
    if _is_tensor(a) or _is_tensor(b):
        assert _is_tensor(a) and _is_tensor(b), path
        assert _record(a) == _record(b), path
        np.testing.assert_array_equal(_array(a), _array(b), err_msg=path)
        tensors.append((a, b))
        return
    assert _container_kind(a) == _container_kind(b), f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        assert len(a) == len(b), path
        for (ka, va), (kb, vb) in zip(a.items(), b.items()):
            _pair_up(ka, kb, tensors, f"{path} key {ka!r}"[:200])
            _pair_up(va, vb, tensors, f"{path}[{ka!r}]"[:200])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _pair_up(x, y, tensors, f"{path}[{i}]")
    else:
        assert type(a) is type(b), f"{path}: {a!r} vs {b!r}"
        assert a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)), f"{path}: {a!r} vs {b!r}"


def assert_same_checkpoint(a, b):
    tensors = []
    _pair_up(a, b, tensors)
    for i in range(len(tensors)):
        for j in range(i):
            (a1, b1), (a2, b2) = tensors[i], tensors[j]
            assert (a1 is a2) == (b1 is b2), f"identity of tensors {j} and {i}"
            assert np.shares_memory(_array(a1), _array(a2)) == np.shares_memory(_array(b1), _array(b2)), \
                f"memory sharing of tensors {j} and {i}: {_record(a1)} and {_record(a2)}"


def _torch_save(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def _minigrad_save(obj):
    buf = io.BytesIO()
    minigrad.save(obj, buf, format="torch")
    return buf.getvalue()


def _torch_load(data):
    return torch.load(io.BytesIO(data), weights_only=True)


def _minigrad_load(data):
    return minigrad.load(io.BytesIO(data))


@pytest.mark.parametrize("name", list(CHECKPOINTS))
def test_minigrad_loads_torch_save(name):
    theirs = CHECKPOINTS[name](torch)
    assert_same_checkpoint(_minigrad_load(_torch_save(theirs)), theirs)


@pytest.mark.parametrize("name", list(CHECKPOINTS))
def test_torch_loads_minigrad_save(name):
    ours = CHECKPOINTS[name](minigrad)
    assert_same_checkpoint(_torch_load(_minigrad_save(ours)), ours)


@pytest.mark.parametrize("name", list(CHECKPOINTS))
def test_torch_to_minigrad_to_torch(name):
    """torch.save -> minigrad.load -> minigrad.save(format="torch") -> torch.load gives torch's object."""
    theirs = CHECKPOINTS[name](torch)
    assert_same_checkpoint(_torch_load(_minigrad_save(_minigrad_load(_torch_save(theirs)))), theirs)


def test_both_libraries_build_the_same_checkpoints():
    """The table's builders that compute nothing give equal objects in both libraries, strides and
    sharing included (so both directions above test the same layouts)."""
    for name in ("dtypes_and_shapes", "views_and_shared_storage", "parameters", "tensor_keys", "bare_tensor"):
        assert_same_checkpoint(CHECKPOINTS[name](minigrad), CHECKPOINTS[name](torch))


def test_torch_loads_it_from_a_path_with_mmap(tmp_path):
    """Each entry's data starts on a 64-byte boundary as torch writes it, so torch can mmap the file."""
    ours = _views(minigrad)
    path = tmp_path / "model.pth"
    minigrad.save(ours, path, format="torch")
    assert_same_checkpoint(torch.load(path, weights_only=True, mmap=True), ours)
    import zipfile
    with zipfile.ZipFile(path) as z:
        assert all(name.startswith("archive/") for name in z.namelist())
        for info in z.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
    data = path.read_bytes()
    for offset in _data_offsets(data):
        assert offset % 64 == 0


def _data_offsets(data):
    import struct
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
            yield info.header_offset + 30 + name_len + extra_len


def test_minigrad_loads_a_torch_save_path_with_map_location(tmp_path):
    path = tmp_path / "model.pth"
    torch.save(_model(torch).state_dict(), path)
    for where in (None, "cpu", minigrad.device("cpu"), {"cpu": "cpu"}):
        sd = minigrad.load(path, map_location=where)
        assert sd["1.num_batches_tracked"].dtype is minigrad.int64 and sd["0.weight"].device.type == "cpu"
    assert sd._metadata == torch.load(path, weights_only=True)._metadata  # modules' versions, as torch keeps them


def test_continue_training_across_libraries():
    """Train in one library, save model and optimizer, load them in the other and take one more step
    there: the parameters equal those of the library that never stopped. float64, so the only
    differences are summation order in the small matmuls (a few ulps of terms of size ~1); Adam
    divides by sqrt(v) + eps, which keeps those differences at ~1e-15 relative."""
    def run(lib, model_state=None, optim_state=None, steps=1):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(3, 8), lib.nn.Tanh(), lib.nn.Linear(8, 1)).double()
        opt = lib.optim.Adam(model.parameters(), lr=0.05)
        if model_state is not None:
            model.load_state_dict(model_state)
            opt.load_state_dict(optim_state)
        x = _tensor(lib, _values((16, 3), "float64", 3))
        y = _tensor(lib, _values((16, 1), "float64", 4))
        for _ in range(steps):
            opt.zero_grad()
            ((model(x) - y) ** 2).mean().backward()
            opt.step()
        return model, opt

    for first, second, save, load in ((minigrad, torch, _minigrad_save, _torch_load),
                                      (torch, minigrad, _torch_save, _minigrad_load)):
        model, opt = run(first, steps=3)
        checkpoint = load(save({"model": model.state_dict(), "optim": opt.state_dict()}))
        continued, _ = run(second, checkpoint["model"], checkpoint["optim"])
        straight, _ = run(first, steps=4)
        for (name, a), b in zip(continued.state_dict().items(), straight.state_dict().values()):
            np.testing.assert_allclose(_array(a), _array(b), rtol=1e-12, atol=1e-14, err_msg=name)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.jit.script/save are deprecated in torch 2.13
def test_legacy_and_torchscript_files_are_refused_with_a_reason(tmp_path):
    legacy = tmp_path / "legacy.pt"
    torch.save({"w": torch.ones(2)}, legacy, _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="legacy format .* save it again with torch.save's default format"):
        minigrad.load(legacy)
    scripted = tmp_path / "scripted.pt"
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), scripted)
    with pytest.raises(RuntimeError, match="TorchScript archive"):
        minigrad.load(scripted)


def test_byteorder_big_is_swapped():
    """A checkpoint written on a big-endian machine (byteorder record "big") loads with the right values."""
    import zipfile
    data = _torch_save({"w": torch.tensor([1.5, -2.0, 3.25]), "i": torch.tensor([1, 2 ** 40])})
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith("/byteorder"):
                body = b"big"
            elif "/data/" in info.filename:
                itemsize = 8 if body == np.array([1, 2 ** 40], "<i8").tobytes() else 4
                body = np.frombuffer(body, f"<{'i' if itemsize == 8 else 'f'}{itemsize}").byteswap().tobytes()
            out.writestr(info.filename, body, compress_type=zipfile.ZIP_STORED)
    back = _minigrad_load(buf.getvalue())
    assert back["w"].tolist() == [1.5, -2.0, 3.25] and back["i"].tolist() == [1, 2 ** 40]
    assert back["i"].dtype is minigrad.int64


def _saved_on_cuda(tmp_path):
    """A torch checkpoint whose storage says it was saved on "cuda:0" (written here on a CPU)."""
    import zipfile
    data = _torch_save({"w": torch.tensor([1.0, 2.0])})
    src = zipfile.ZipFile(io.BytesIO(data))
    path = tmp_path / "gpu.pth"
    with zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith("/data.pkl"):
                body = body.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
            out.writestr(info.filename, body, compress_type=zipfile.ZIP_STORED)
    return path


def test_a_gpu_checkpoint_on_a_cpu_only_machine_needs_map_location(tmp_path):
    path = _saved_on_cuda(tmp_path)
    if not torch.cuda.is_available() and not minigrad.cuda.is_available():
        with pytest.raises(RuntimeError) as theirs:
            torch.load(path, weights_only=True)
        with pytest.raises(RuntimeError) as ours:
            minigrad.load(path)
        assert str(ours.value) == str(theirs.value)
    for where in ("cpu", {"cuda:0": "cpu"}, minigrad.device("cpu")):
        assert minigrad.load(path, map_location=where)["w"].tolist() == [1.0, 2.0]
    assert torch.load(path, weights_only=True, map_location="cpu")["w"].tolist() == [1.0, 2.0]


def test_a_whole_saved_model_is_refused_with_a_hint(tmp_path):
    """torch.save(model) pickles the classes themselves; torch.load(weights_only=True) refuses it too."""
    path = tmp_path / "model.pth"
    torch.save(torch.nn.Sequential(torch.nn.Linear(2, 2)), path)
    with pytest.raises(pickle.UnpicklingError, match="the global torch.nn.modules.container.Sequential .torch.save "
                                                     "was given a whole model: save and load model.state_dict"):
        minigrad.load(path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)

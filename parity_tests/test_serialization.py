"""save / load: exact round trips of tensors and state dicts in both formats (minigrad's npz and
torch's zip), shared storage kept as torch keeps it, and safe loading (a foreign, corrupt or hostile
file raises a clear RuntimeError before anything is allocated, and never runs code). Round trips
with real torch's files are in test_torch_format.py."""
import io
import json
import math
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn  # noqa: F401 - makes minigrad.nn reachable
from minigrad.nn.interop import from_torch_state_dict, to_torch_state_dict
from minigrad.serialization import load, save
from _compare import assert_within, tensor_bound


FORMATS = ["minigrad", "torch"]


def _round_trip(obj, format="minigrad", **load_kwargs):
    buf = io.BytesIO()
    save(obj, buf, format=format)
    buf.seek(0)
    return load(buf, **load_kwargs)


DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (2, 0, 4), (1, 2, 3, 2)])
def test_tensor_round_trip_is_exact(dtype, shape, format):
    values = np.random.default_rng(0).standard_normal(shape) * 100
    t = minigrad.tensor(values.astype(dtype))
    back = _round_trip(t, format)
    assert type(back) is minigrad.Tensor and back.dtype is t.dtype and back.shape == t.shape
    np.testing.assert_array_equal(back.numpy(), t.numpy())
    assert back.is_leaf and not back.requires_grad


@pytest.mark.parametrize("format", FORMATS)
def test_special_values_and_views_round_trip(format):
    t = minigrad.tensor([math.inf, -math.inf, math.nan, -0.0, 1e-45, 3.4e38])
    np.testing.assert_array_equal(_round_trip(t, format).numpy(), t.numpy())
    base = minigrad.arange(12.0).reshape(3, 4)
    view = base.t()[1:]  # non-contiguous: saved with its strides, as torch saves it
    back = _round_trip(view, format)
    np.testing.assert_array_equal(back.numpy(), view.numpy())
    assert back.stride() == view.stride() == (1, 4)


@pytest.mark.parametrize("format", FORMATS)
def test_requires_grad_and_parameter_round_trip(format):
    obj = {"leaf": minigrad.ones(2, requires_grad=True), "param": minigrad.nn.Parameter(minigrad.ones(3)),
           "frozen": minigrad.nn.Parameter(minigrad.ones(1), requires_grad=False),
           "computed": minigrad.ones(2, requires_grad=True) * 2}
    back = _round_trip(obj, format)
    assert back["leaf"].requires_grad and back["leaf"].is_leaf
    assert type(back["param"]) is minigrad.nn.Parameter and back["param"].requires_grad
    assert type(back["frozen"]) is minigrad.nn.Parameter and not back["frozen"].requires_grad
    assert back["computed"].is_leaf and back["computed"].requires_grad  # like torch.save: history dropped
    assert back["computed"].tolist() == [2.0, 2.0]


@pytest.mark.parametrize("format", FORMATS)
def test_nested_structures_round_trip(format):
    obj = OrderedDict(
        a=[1, 2.5, -3, True, False, None, "text", "ünïcode", (1, (2, "x")), []],
        b={0: minigrad.zeros(2), 1: {"step": minigrad.tensor(3.0), "inner": {"deep": [minigrad.ones(1)]}}},
        c=(float("inf"), float("-inf"), 1e308, 5e-324, 2**70, -(2**63)),
        d={(1, 2): "tuple key", None: 1, 2.5: "float key", True: "bool key"},
        e=OrderedDict(z=1, y=2),
        empty={})
    back = _round_trip(obj, format)
    assert type(back) is OrderedDict and list(back) == list(obj)
    assert back["a"] == obj["a"] and type(back["a"][8]) is tuple and type(back["a"][8][1]) is tuple
    assert back["c"] == obj["c"] and type(back["c"][4]) is int
    assert back["d"] == obj["d"] and type(back["d"]) is dict
    assert type(back["e"]) is OrderedDict and list(back["e"].items()) == [("z", 1), ("y", 2)]
    assert back["empty"] == {}
    assert set(back["b"]) == {0, 1} and back["b"][1]["step"].item() == 3.0
    assert back["b"][1]["inner"]["deep"][0].tolist() == [1.0]
    nan = _round_trip([float("nan")], format)[0]
    assert math.isnan(nan)


@pytest.mark.parametrize("format", FORMATS)
def test_shared_tensor_comes_back_shared(format):
    t = minigrad.ones(3)
    back = _round_trip({"a": t, "b": [t, t]}, format)
    assert back["a"] is back["b"][0] is back["b"][1]


@pytest.mark.parametrize("format", FORMATS)
def test_tensor_as_dict_key_round_trips_like_torch(format):
    """torch.save({t: 1}) loads back with a (new) tensor as the key; the same tensor as key and
    value comes back as one tensor."""
    t = minigrad.arange(3.0)
    back = _round_trip({t: 1, "same": t}, format)
    key = next(iter(back))
    assert type(key) is minigrad.Tensor and key.tolist() == [0.0, 1.0, 2.0] and back[key] == 1
    assert key is back["same"]
    buf = io.BytesIO()
    tt = torch.arange(3.0)
    torch.save({tt: 1, "same": tt}, buf)
    buf.seek(0)
    theirs = torch.load(buf, weights_only=True)
    assert next(iter(theirs)) is theirs["same"]


def _optimizer_like_state():
    return {"state": {0: {"step": minigrad.tensor(10.0), "exp_avg": minigrad.randn(3, 2),
                          "exp_avg_sq": minigrad.rand(3, 2)},
                      1: {"momentum_buffer": None}},
            "param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0,
                              "amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
                              "differentiable": False, "fused": None, "params": [0, 1]}]}


@pytest.mark.parametrize("format", FORMATS)
def test_optimizer_state_dict_round_trip(format):
    state = _optimizer_like_state()
    back = _round_trip(state, format)
    assert back["param_groups"] == state["param_groups"]
    assert list(back["state"]) == [0, 1] and back["state"][1] == {"momentum_buffer": None}
    for k in ("step", "exp_avg", "exp_avg_sq"):
        np.testing.assert_array_equal(back["state"][0][k].numpy(), state["state"][0][k].numpy())


@pytest.mark.parametrize("format", FORMATS)
def test_real_optimizer_state_dict_round_trip(format):
    optim = pytest.importorskip("minigrad.optim")
    model = minigrad.nn.Linear(3, 2)
    opt = optim.Adam(model.parameters(), lr=0.01)
    model(minigrad.ones(4, 3)).sum().backward()
    opt.step()
    sd = opt.state_dict()
    back = _round_trip(sd, format)
    assert back["param_groups"] == sd["param_groups"]
    for i, entries in sd["state"].items():
        for k, v in entries.items():
            np.testing.assert_array_equal(np.asarray(back["state"][i][k]), np.asarray(v))
    opt2 = optim.Adam(model.parameters(), lr=0.5)
    opt2.load_state_dict(back)
    assert opt2.param_groups[0]["lr"] == 0.01


def test_model_checkpoint_to_path(tmp_path):
    def build():
        return minigrad.nn.Sequential(minigrad.nn.Linear(4, 8), minigrad.nn.BatchNorm1d(8), minigrad.nn.Linear(8, 2))
    model = build()
    x = minigrad.randn(5, 4)
    model(x)  # moves the running statistics
    model.eval()
    path = tmp_path / "model.pt"
    save(model.state_dict(), path)
    assert path.exists() and not (tmp_path / "model.pt.npz").exists()  # the name is kept as given
    save(model.state_dict(), str(tmp_path / "again"))
    assert (tmp_path / "again").exists()
    fresh = build().eval()
    sd = load(path)
    assert list(sd) == list(model.state_dict()) and type(sd) is OrderedDict
    assert repr(fresh.load_state_dict(sd)) == "<All keys matched successfully>"
    np.testing.assert_array_equal(fresh(x).detach().numpy(), model(x).detach().numpy())
    assert sd["1.num_batches_tracked"].dtype is minigrad.int64 and sd["1.num_batches_tracked"].item() == 1


@pytest.mark.parametrize("format", FORMATS)
def test_map_location_and_weights_only(format):
    t = minigrad.ones(2)
    for kwargs in ({"map_location": "cpu"}, {"map_location": minigrad.device("cpu")},
                   {"map_location": {"cuda:0": "cpu"}}, {"weights_only": True}, {"weights_only": False}):
        back = _round_trip(t, format, **kwargs)
        assert back.device.type == "cpu" and back.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("format", FORMATS)
def test_cuda_tensor_round_trip(device, format):
    if device != "cuda":
        pytest.skip("needs a GPU")
    t = minigrad.arange(6.0, device=device).reshape(2, 3)
    back = _round_trip({"t": t, "v": t[1]}, format)
    assert back["t"].device == t.device and back["t"].tolist() == t.tolist()
    back["t"].add_(1)  # the view still shares the base's memory on the GPU
    assert back["v"].tolist() == [4.0, 5.0, 6.0]
    assert _round_trip(t, format, map_location="cpu").device.type == "cpu"


@pytest.mark.parametrize("format", FORMATS)
def test_save_rejects_unsupported_objects(format, tmp_path):
    for bad in (minigrad.nn.Linear(1, 1), object(), {1, 2}, b"bytes", lambda: 1, np.ones(2), minigrad.float32):
        with pytest.raises(TypeError, match="minigrad.save cannot store an object of type"):
            save({"x": bad}, io.BytesIO(), format=format)
        with pytest.raises(TypeError):  # checked before the file is opened: nothing is written
            save({"w": minigrad.ones(2), "x": bad}, tmp_path / "bad.pt", format=format)
        assert not (tmp_path / "bad.pt").exists()


def test_save_format_must_be_known():
    with pytest.raises(ValueError, match="format must be 'minigrad' or 'torch'"):
        save(minigrad.ones(1), io.BytesIO(), format="pickle")


@pytest.mark.parametrize("format", FORMATS)
def test_save_into_a_missing_directory_raises_like_torch(format, tmp_path):
    for path in (tmp_path / "missing" / "x.pt", str(tmp_path / "a" / "b" / "x.pt")):
        with pytest.raises(RuntimeError) as theirs:
            torch.save(torch.ones(1), path)
        with pytest.raises(RuntimeError) as ours:
            save(minigrad.ones(1), path, format=format)
        assert str(ours.value) == str(theirs.value)


def _nested(depth):
    obj = minigrad.ones(1)
    for i in range(depth):
        obj = [obj] if i % 3 == 0 else ({"k": obj} if i % 3 == 1 else (obj,))
    return obj


@pytest.mark.parametrize("format", FORMATS)
def test_nesting_limit(format):
    """Containers nest at most 100 deep, in save and in load (a state dict needs 4)."""
    back = _round_trip(_nested(100), format)
    for i in reversed(range(100)):
        back = back[0] if i % 3 != 1 else back["k"]
    assert back.tolist() == [1.0]
    for obj in (_nested(101), _nested(5000)):
        with pytest.raises(RuntimeError, match="more than 100 deep"):
            save(obj, io.BytesIO(), format=format)
    loop = [1]
    loop.append({"again": loop})
    with pytest.raises(RuntimeError, match="contains itself"):
        save(loop, io.BytesIO(), format=format)


# --- shared storage: a tensor and its views stay views, as in torch -------------------------------
VIEWS = {  # name -> view of a (2, 3, 4) tensor, written once for torch and minigrad
    "slice": lambda x: x[1:], "select": lambda x: x[1], "index_step": lambda x: x[:, ::2, 1::2],
    "transpose": lambda x: x.transpose(0, 2), "t_of_select": lambda x: x[0].t(),
    "permute": lambda x: x.permute(2, 0, 1), "narrow": lambda x: x.narrow(2, 1, 2),
    "view": lambda x: x.view(6, 4), "reshape": lambda x: x.reshape(4, 6), "flatten": lambda x: x.flatten(),
    "unsqueeze": lambda x: x.unsqueeze(1), "expand": lambda x: x[:, :1].expand(2, 5, 4),
    "detach": lambda x: x.detach(), "unbind": lambda x: x.unbind(0)[1], "split": lambda x: x.split(1, 2)[2],
    "chunk": lambda x: x.chunk(2, 1)[1], "movedim": lambda x: x.movedim(0, 2),
    "flip_copies": lambda x: x.flip(0), "contiguous_copy": lambda x: x.permute(2, 1, 0).contiguous(),
    "clone": lambda x: x.clone(),
}


def _torch_round_trip(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, weights_only=True)


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("name", list(VIEWS))
def test_views_stay_shared_like_torch(name, format):
    """After a round trip, base and view share memory exactly when they do in torch (checked on both
    with np.shares_memory), keep their values and strides, and a write through the base shows in the
    view."""
    torch_base = torch.arange(24.0).reshape(2, 3, 4)
    theirs = _torch_round_trip({"base": torch_base, "view": VIEWS[name](torch_base)})
    base = minigrad.arange(24.0).reshape(2, 3, 4)
    view = VIEWS[name](base)
    back = _round_trip({"base": base, "view": view, "again": view}, format)
    np.testing.assert_array_equal(back["view"].numpy(), theirs["view"].numpy())
    assert back["view"].stride() == view.stride() and back["again"] is back["view"]
    shared = np.shares_memory(back["base"].numpy(), back["view"].numpy())
    assert shared == np.shares_memory(theirs["base"].numpy(), theirs["view"].numpy())
    with minigrad.no_grad():
        back["base"].add_(100)
    assert bool((back["view"] >= 100).all()) is shared


@pytest.mark.parametrize("format", FORMATS)
def test_views_of_a_parameter_in_a_state_dict(format):
    """A Parameter and a view of it (e.g. tied weights) come back sharing memory."""
    weight = minigrad.nn.Parameter(minigrad.randn(4, 3))
    back = _round_trip(OrderedDict(weight=weight, tied=weight.detach().t()), format)
    assert type(back["weight"]) is minigrad.nn.Parameter and back["tied"].stride() == (1, 3)
    with minigrad.no_grad():
        back["weight"].zero_()
    assert back["tied"].abs().sum().item() == 0


@pytest.mark.parametrize("format", FORMATS)
def test_views_of_one_memory_as_different_dtypes_are_refused_like_torch(format):
    array = np.arange(4, dtype=np.float32)
    with pytest.raises(RuntimeError) as theirs:
        torch.save([torch.from_numpy(array), torch.from_numpy(array.view(np.int32))], io.BytesIO())
    with pytest.raises(RuntimeError) as ours:
        save([minigrad.from_numpy(array), minigrad.from_numpy(array.view(np.int32))], io.BytesIO(), format=format)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("format", FORMATS)
def test_disjoint_views_share_one_storage_but_only_their_bytes_are_written(format):
    """Two ends of a large tensor: one storage from the first used byte to the last one used."""
    big = minigrad.arange(100_000.0)
    buf = io.BytesIO()
    save({"head": big[:2], "tail": big[-2:]}, buf, format=format)
    assert len(buf.getvalue()) > 100_000 * 4  # the span between them is part of the storage, as in torch
    buf = io.BytesIO()
    save({"head": big[:2]}, buf, format=format)
    assert len(buf.getvalue()) < 2000  # alone, a small view writes only its own elements


# --- loading is safe ------------------------------------------------------------------------------
class _Exploit:
    """Unpickling this would create a file: loading must never do that."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def _npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _structure(obj, **extra):
    header = {"format": "minigrad", "version": 1, "object": obj, **extra}
    return np.frombuffer(json.dumps(header).encode(), np.uint8)


def _load_bytes(data):
    return load(io.BytesIO(data))


def test_pickle_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Exploit(str(marker)))
    with pytest.raises(RuntimeError, match="is not a minigrad checkpoint"):
        _load_bytes(payload)
    path = tmp_path / "evil.pt"
    path.write_bytes(payload)
    with pytest.raises(RuntimeError, match="evil.pt is not a minigrad checkpoint"):
        load(path)
    # an npz whose array is a pickled object
    buf = io.BytesIO()
    np.savez(buf, t0=np.array([_Exploit(str(marker))], dtype=object),
             __structure__=_structure({"tensor": "t0", "dtype": "float32"}))
    with pytest.raises(RuntimeError, match="not a tensor dtype .an object array would need pickle"):
        _load_bytes(buf.getvalue())
    assert not marker.exists()


def test_torch_checkpoint_loads(tmp_path):
    path = tmp_path / "torch.pt"
    theirs = torch.nn.Linear(2, 2).state_dict()
    torch.save(theirs, path)
    ours = load(path)
    assert type(ours) is OrderedDict and list(ours) == ["weight", "bias"]
    np.testing.assert_array_equal(ours["weight"].numpy(), theirs["weight"].numpy())


CORRUPT = {
    "empty": b"",
    "random_bytes": bytes(range(256)) * 4,
    "text": b"hello world",
    "plain_npy": None,  # filled in below
    "zip_without_structure": _npz_bytes(t0=np.ones(2)),
    "structure_not_json": _npz_bytes(__structure__=np.frombuffer(b"{not json", np.uint8)),
    "unknown_format": _npz_bytes(__structure__=_structure(1, format="other")),
    "unknown_version": _npz_bytes(__structure__=_structure(1, version=99)),
    "missing_tensor_data": _npz_bytes(__structure__=_structure({"tensor": "t7", "dtype": "float32"})),
    "dtype_mismatch": _npz_bytes(t0=np.ones(2), __structure__=_structure({"tensor": "t0", "dtype": "int64"})),
    "unknown_dtype": _npz_bytes(t0=np.ones(2), __structure__=_structure({"tensor": "t0", "dtype": "complex64"})),
    "unknown_node": _npz_bytes(__structure__=_structure({"set": [1, 2]})),
    "bad_dict_entry": _npz_bytes(__structure__=_structure({"dict": [[1, 2, 3]]})),
    "unhashable_key": _npz_bytes(__structure__=_structure({"dict": [[{"list": [1]}, 2]]})),
    "bare_json_list": _npz_bytes(__structure__=_structure([1, 2])),
}
_npy = io.BytesIO()
np.save(_npy, np.ones(3))
CORRUPT["plain_npy"] = _npy.getvalue()


@pytest.mark.parametrize("name", list(CORRUPT))
def test_corrupt_or_foreign_file_raises_runtime_error(name):
    with pytest.raises(RuntimeError, match="minigrad checkpoint"):
        _load_bytes(CORRUPT[name])


# --- hostile files: refused before anything is allocated -------------------------------------------
def _zip_bytes(members, compression=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _npy_header(shape, descr="<f4"):
    """An .npy header declaring ``shape``, and no data."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def _npy(array):
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def _deflated_zeros_npy(nbytes):
    """A deflated .npy entry of ``nbytes`` zero bytes (a zip bomb: about 1000:1), built in chunks."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("s0.npy", "w", force_zip64=True) as entry:
            entry.write(_npy_header((nbytes // 4,)))
            chunk = bytes(1 << 20)
            for _ in range(nbytes // len(chunk)):
                entry.write(chunk)
        node = {"tensor": "s0", "id": 0, "dtype": "float32", "offset": 0, "shape": [nbytes // 4], "stride": [1]}
        z.writestr("__structure__.npy", _npy(_structure(node, version=2)), compress_type=zipfile.ZIP_STORED)
    return buf.getvalue()


def _json_nested(depth):
    """A structure whose object is ``depth`` lists inside each other (as text: json.dumps recurses)."""
    text = '{"format": "minigrad", "version": 2, "object": ' + '{"list": [' * depth + "1" + "]}" * depth + "}"
    return np.frombuffer(text.encode(), np.uint8)


def _view_node(**fields):
    return _structure({"tensor": "s0", "id": 0, "dtype": "float32", "offset": 0, "shape": [2], "stride": [1],
                       **fields}, version=2)


HOSTILE = {  # name -> (file bytes, what the RuntimeError says)
    "json_nested_950_deep": (_npz_bytes(__structure__=_json_nested(950)), "more than 100 containers deep"),
    "json_nested_101_deep": (_npz_bytes(__structure__=_json_nested(101)), "more than 100 deep"),
    "json_nested_100000_deep": (_npz_bytes(__structure__=_json_nested(100_000)), "more than 100 containers deep"),
    "npy_header_claims_8_TB": (_zip_bytes({"s0.npy": _npy_header((2 ** 41,)),
                                           "__structure__.npy": _npy(_view_node(shape=[2 ** 41]))}),
                               "declares an array of shape (2199023255552,) (8796093022208 bytes) but holds 0"),
    "structure_header_claims_8_TB": (_zip_bytes({"__structure__.npy": _npy_header((2 ** 43,), "|u1")}),
                                     "but holds 0 bytes"),
    "npy_header_claims_one_element_too_many": (_zip_bytes({"s0.npy": _npy_header((3,)) + bytes(8),
                                                           "__structure__.npy": _npy(_view_node())}),
                                               "declares an array of shape (3,) (12 bytes) but holds 8 bytes"),
    "npy_negative_shape": (_zip_bytes({"s0.npy": _npy_header((-1,)), "__structure__.npy": _npy(_view_node())}),
                           "s0.npy"),
    "npy_object_dtype": (_zip_bytes({"s0.npy": _npy_header((1,), "|O"), "__structure__.npy": _npy(_view_node())}),
                         "not a tensor dtype"),
    "entry_compressed": (_zip_bytes({"s0.npy": _npy(np.ones(2, np.float32)), "__structure__.npy": _npy(_view_node())},
                                    zipfile.ZIP_DEFLATED), "is compressed"),
    "view_beyond_storage": (_npz_bytes(s0=np.ones(2, np.float32), __structure__=_view_node(shape=[3])),
                            "reaches element 2 of a storage of 2 elements"),
    "view_offset_beyond_storage": (_npz_bytes(s0=np.ones(2, np.float32), __structure__=_view_node(offset=10 ** 12)),
                                   "reaches element"),
    "view_huge_stride": (_npz_bytes(s0=np.ones(2, np.float32), __structure__=_view_node(stride=[2 ** 62])),
                         "reaches element"),
    "view_more_elements_than_int64": (_npz_bytes(s0=np.ones(2, np.float32),
                                                 __structure__=_view_node(shape=[2 ** 70], stride=[0])),
                                      "a tensor of size [1180591620717411303424] cannot be made"),
    "view_more_bytes_than_memory": (_npz_bytes(s0=np.ones(2, np.float32),
                                               __structure__=_view_node(shape=[2 ** 62, 2 ** 62], stride=[0, 0])),
                                    "cannot be made: array is too big"),
    "view_negative_offset": (_npz_bytes(s0=np.ones(2, np.float32), __structure__=_view_node(offset=-1)),
                             "is not a non-negative integer"),
    "view_negative_stride": (_npz_bytes(s0=np.ones(2, np.float32), __structure__=_view_node(stride=[-1])),
                             "non-negative integers"),
    "view_float_shape": (_npz_bytes(s0=np.ones(2, np.float32), __structure__=_view_node(shape=[2.0])),
                         "non-negative integers"),
    "view_shape_and_stride_lengths_differ": (_npz_bytes(s0=np.ones(2, np.float32),
                                                        __structure__=_view_node(stride=[1, 1])), "equally long"),
    "storage_dtype_differs_from_tensor": (_npz_bytes(s0=np.ones(2, np.float64), __structure__=_view_node()),
                                          "has dtype float64, expected float32"),
    "storage_is_the_structure": (_npz_bytes(__structure__=_structure({"tensor": "__structure__", "id": 0,
                                                                      "dtype": "uint8"}, version=2)), "missing"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_refused_before_allocating(name):
    data, message = HOSTILE[name]
    with pytest.raises(RuntimeError, match="minigrad checkpoint") as err:
        _load_bytes(data)
    assert message in str(err.value)


def test_zip_bomb_is_refused():
    """An 80 MB array deflated to about 80 KB (the review's example was 800 MB in 783 KB): refused
    because the entry is compressed, whatever it claims, before anything is inflated."""
    data = _deflated_zeros_npy(80 << 20)
    assert len(data) < 200_000
    with pytest.raises(RuntimeError, match="entry 's0.npy' is compressed"):
        _load_bytes(data)


def test_version_1_files_still_load():
    """Files written before storages (one array per tensor, no offset/shape/stride) load unchanged."""
    data = _npz_bytes(t0=np.arange(6, dtype=np.float32).reshape(2, 3), __structure__=_structure(
        {"dict": [["w", {"tensor": "t0", "dtype": "float32", "device": "cpu", "requires_grad": False,
                         "parameter": True}], ["again", {"tensor": "t0", "dtype": "float32"}]]}))
    back = _load_bytes(data)
    assert type(back["w"]) is minigrad.nn.Parameter and back["w"].shape == (2, 3) and back["again"] is back["w"]


def test_truncated_file_raises_runtime_error():
    buf = io.BytesIO()
    save({"w": minigrad.ones(1000)}, buf)
    data = buf.getvalue()
    for cut in (10, len(data) // 2, len(data) - 10):
        with pytest.raises(RuntimeError, match="minigrad checkpoint"):
            _load_bytes(data[:cut])


def test_file_is_a_plain_npz():
    """Any NumPy can read the tensors back: one 1-D array per storage, and the structure entry (JSON
    text) gives each tensor's storage, offset, shape and stride."""
    buf = io.BytesIO()
    save({"w": minigrad.arange(6).reshape(2, 3).t()}, buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        assert sorted(z.namelist()) == ["__structure__.npy", "s0.npy"]
    with np.load(io.BytesIO(buf.getvalue()), allow_pickle=False) as arrays:
        np.testing.assert_array_equal(arrays["s0"], [0, 1, 2, 3, 4, 5])
        structure = json.loads(arrays["__structure__"].tobytes())
        assert structure["format"] == "minigrad" and structure["version"] == 2
        node = structure["object"]["dict"][0][1]
        assert (node["tensor"], node["offset"], node["shape"], node["stride"]) == ("s0", 0, [3, 2], [1, 3])


def test_top_level_save_and_load_exported():
    assert minigrad.save is save and minigrad.load is load


# --- torch interop --------------------------------------------------------------------------------
def test_state_dict_interop_with_torch():
    def build(lib):
        return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Linear(4, 2))
    theirs = build(torch)
    theirs(torch.randn(6, 3))  # running stats and num_batches_tracked move
    ours = build(minigrad)
    ours.load_state_dict(from_torch_state_dict(theirs.state_dict()))
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    ours.eval(), theirs.eval()
    # Linear(3), eval BatchNorm (a scale and a shift), Linear(4): 7 accumulated terms, rsqrt
    out_t = theirs(torch.tensor(x)).detach()
    assert_within(ours(minigrad.tensor(x)).detach(), out_t, tensor_bound(out_t, n_terms=3 + 4, ops=1), "output")
    back = to_torch_state_dict(ours.state_dict())
    assert type(back) is OrderedDict and list(back) == list(theirs.state_dict())
    for k, v in back.items():
        assert isinstance(v, torch.Tensor) and v.dtype == theirs.state_dict()[k].dtype
        assert torch.equal(v, theirs.state_dict()[k])
    assert repr(build(torch).load_state_dict(back)) == "<All keys matched successfully>"
    nested = to_torch_state_dict(_optimizer_like_state())
    assert isinstance(nested["state"][0]["exp_avg"], torch.Tensor)
    assert nested["param_groups"][0]["betas"] == (0.9, 0.999)
    assert from_torch_state_dict({"p": torch.ones(1, requires_grad=True)})["p"].requires_grad


# --- property test: random nested objects ----------------------------------------------------------
from hypothesis import given, strategies as st  # noqa: E402

_scalars = st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=5)
_tensors = st.builds(lambda shape, dtype, seed: minigrad.tensor(
    (np.random.default_rng(seed).standard_normal(shape) * 10).astype(dtype)),
    st.lists(st.integers(0, 3), max_size=3), st.sampled_from(DTYPES), st.integers(0, 100))
_keys = st.text(max_size=4) | st.integers(-5, 5)
_objects = st.recursive(_scalars | _tensors, lambda children: (
    st.lists(children, max_size=3) | st.lists(children, max_size=3).map(tuple)
    | st.dictionaries(_keys, children, max_size=3)
    | st.dictionaries(_keys, children, max_size=3).map(lambda d: OrderedDict(sorted(d.items(), key=repr)))),
    max_leaves=10)


def _same(a, b):
    if isinstance(a, minigrad.Tensor):
        return type(b) is type(a) and a.dtype is b.dtype and np.array_equal(a.numpy(), b.numpy())
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return type(a) is type(b) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("format", FORMATS)
@given(obj=_objects)
def test_round_trip_property(obj, format):
    assert _same(obj, _round_trip(obj, format))

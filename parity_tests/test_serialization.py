"""save / load: exact round trips of tensors and state dicts, and safe loading (a foreign or corrupt
file raises a clear RuntimeError and never runs code)."""
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


def _round_trip(obj, **load_kwargs):
    buf = io.BytesIO()
    save(obj, buf)
    buf.seek(0)
    return load(buf, **load_kwargs)


DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (2, 0, 4), (1, 2, 3, 2)])
def test_tensor_round_trip_is_exact(dtype, shape):
    values = np.random.default_rng(0).standard_normal(shape) * 100
    t = minigrad.tensor(values.astype(dtype))
    back = _round_trip(t)
    assert type(back) is minigrad.Tensor and back.dtype is t.dtype and back.shape == t.shape
    np.testing.assert_array_equal(back.numpy(), t.numpy())
    assert back.is_leaf and not back.requires_grad


def test_special_values_and_views_round_trip():
    t = minigrad.tensor([math.inf, -math.inf, math.nan, -0.0, 1e-45, 3.4e38])
    np.testing.assert_array_equal(_round_trip(t).numpy(), t.numpy())
    base = minigrad.arange(12.0).reshape(3, 4)
    view = base.t()[1:]  # non-contiguous
    np.testing.assert_array_equal(_round_trip(view).numpy(), view.numpy())


def test_requires_grad_and_parameter_round_trip():
    obj = {"leaf": minigrad.ones(2, requires_grad=True), "param": minigrad.nn.Parameter(minigrad.ones(3)),
           "frozen": minigrad.nn.Parameter(minigrad.ones(1), requires_grad=False),
           "computed": minigrad.ones(2, requires_grad=True) * 2}
    back = _round_trip(obj)
    assert back["leaf"].requires_grad and back["leaf"].is_leaf
    assert type(back["param"]) is minigrad.nn.Parameter and back["param"].requires_grad
    assert type(back["frozen"]) is minigrad.nn.Parameter and not back["frozen"].requires_grad
    assert back["computed"].is_leaf and back["computed"].requires_grad  # like torch.save: history dropped
    assert back["computed"].tolist() == [2.0, 2.0]


def test_nested_structures_round_trip():
    obj = OrderedDict(
        a=[1, 2.5, -3, True, False, None, "text", "ünïcode", (1, (2, "x")), []],
        b={0: minigrad.zeros(2), 1: {"step": minigrad.tensor(3.0), "inner": {"deep": [minigrad.ones(1)]}}},
        c=(float("inf"), float("-inf"), 1e308, 5e-324, 2**70, -(2**63)),
        d={(1, 2): "tuple key", None: 1, 2.5: "float key", True: "bool key"},
        e=OrderedDict(z=1, y=2),
        empty={})
    back = _round_trip(obj)
    assert type(back) is OrderedDict and list(back) == list(obj)
    assert back["a"] == obj["a"] and type(back["a"][8]) is tuple and type(back["a"][8][1]) is tuple
    assert back["c"] == obj["c"] and type(back["c"][4]) is int
    assert back["d"] == obj["d"] and type(back["d"]) is dict
    assert type(back["e"]) is OrderedDict and list(back["e"].items()) == [("z", 1), ("y", 2)]
    assert back["empty"] == {}
    assert set(back["b"]) == {0, 1} and back["b"][1]["step"].item() == 3.0
    assert back["b"][1]["inner"]["deep"][0].tolist() == [1.0]
    nan = _round_trip([float("nan")])[0]
    assert math.isnan(nan)


def test_shared_tensor_comes_back_shared():
    t = minigrad.ones(3)
    back = _round_trip({"a": t, "b": [t, t]})
    assert back["a"] is back["b"][0] is back["b"][1]


def _optimizer_like_state():
    return {"state": {0: {"step": minigrad.tensor(10.0), "exp_avg": minigrad.randn(3, 2),
                          "exp_avg_sq": minigrad.rand(3, 2)},
                      1: {"momentum_buffer": None}},
            "param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0,
                              "amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
                              "differentiable": False, "fused": None, "params": [0, 1]}]}


def test_optimizer_state_dict_round_trip():
    state = _optimizer_like_state()
    back = _round_trip(state)
    assert back["param_groups"] == state["param_groups"]
    assert list(back["state"]) == [0, 1] and back["state"][1] == {"momentum_buffer": None}
    for k in ("step", "exp_avg", "exp_avg_sq"):
        np.testing.assert_array_equal(back["state"][0][k].numpy(), state["state"][0][k].numpy())


def test_real_optimizer_state_dict_round_trip():
    optim = pytest.importorskip("minigrad.optim")
    model = minigrad.nn.Linear(3, 2)
    opt = optim.Adam(model.parameters(), lr=0.01)
    model(minigrad.ones(4, 3)).sum().backward()
    opt.step()
    sd = opt.state_dict()
    back = _round_trip(sd)
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


def test_map_location_and_weights_only():
    t = minigrad.ones(2)
    for kwargs in ({"map_location": "cpu"}, {"map_location": minigrad.device("cpu")},
                   {"map_location": {"cuda:0": "cpu"}}, {"weights_only": True}, {"weights_only": False}):
        back = _round_trip(t, **kwargs)
        assert back.device.type == "cpu" and back.tolist() == [1.0, 1.0]


def test_cuda_tensor_round_trip(device):
    if device != "cuda":
        pytest.skip("needs a GPU")
    t = minigrad.arange(4.0, device=device)
    back = _round_trip({"t": t})["t"]
    assert back.device == t.device and back.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert _round_trip(t, map_location="cpu").device.type == "cpu"


def test_save_rejects_unsupported_objects():
    for bad in (minigrad.nn.Linear(1, 1), object(), {1, 2}, b"bytes", lambda: 1, np.ones(2)):
        with pytest.raises(TypeError, match="minigrad.save cannot store an object of type"):
            save({"x": bad}, io.BytesIO())


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
    with pytest.raises(RuntimeError, match="cannot be read safely"):
        _load_bytes(buf.getvalue())
    assert not marker.exists()


def test_torch_checkpoint_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "torch.pt"
    torch.save(torch.nn.Linear(2, 2).state_dict(), path)
    with pytest.raises(RuntimeError, match="torch.save file: load it with torch.load"):
        load(path)


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


def test_truncated_file_raises_runtime_error():
    buf = io.BytesIO()
    save({"w": minigrad.ones(1000)}, buf)
    data = buf.getvalue()
    for cut in (10, len(data) // 2, len(data) - 10):
        with pytest.raises(RuntimeError, match="minigrad checkpoint"):
            _load_bytes(data[:cut])


def test_file_is_a_plain_npz():
    """Any NumPy can read the tensors back (the structure entry is JSON text)."""
    buf = io.BytesIO()
    save({"w": minigrad.arange(3)}, buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        assert sorted(z.namelist()) == ["__structure__.npy", "t0.npy"]
    with np.load(io.BytesIO(buf.getvalue()), allow_pickle=False) as arrays:
        np.testing.assert_array_equal(arrays["t0"], [0, 1, 2])
        assert json.loads(arrays["__structure__"].tobytes())["format"] == "minigrad"


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


@given(_objects)
def test_round_trip_property(obj):
    assert _same(obj, _round_trip(obj))

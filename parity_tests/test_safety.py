"""Safety: loading a file never runs code from it, and grad mode is per thread.

``minigrad.load`` reads minigrad's ``.npz`` (arrays parsed without pickle, plus a JSON description)
and torch's zip format (its ``data.pkl`` run by minigrad's own restricted pickle machine). So a
crafted file -- a pickle with a ``__reduce__`` payload, an npz member holding a pickled object
array, a torch checkpoint whose ``data.pkl`` calls ``os.system`` or uses any opcode or global
outside the allowlist, a path-traversing entry name or storage key, random bytes, an empty or
truncated file -- must raise a clear RuntimeError, and the payload, which would create a sentinel
file, must never run. Two lines of defence check it: the sentinel, and Python's ``pickle`` (with
``os.system``, ``subprocess.Popen`` and their kin) made to fail loudly while loading, so a code path
that reached them would be caught even if its payload did nothing visible.

Grad mode (``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``) is thread-local,
as in torch: threads running at the same time, synchronised with barriers, each see only their own
mode, and a backward pass in one thread (which switches grad mode off internally) does not change
what another thread records.
"""
import io
import os
import pickle
import pickletools
import subprocess
import threading
import time
import zipfile

import numpy as np
import pytest
import torch

import minigrad


# --- crafted files ---------------------------------------------------------------------------------
class Payload:
    """Unpickling this runs ``open(sentinel, "w")``: the sentinel file appearing means code ran."""

    def __init__(self, sentinel):
        self.sentinel = str(sentinel)

    def __reduce__(self):
        return (open, (self.sentinel, "w"))


class ExecPayload(Payload):
    def __reduce__(self):
        return (exec, (f"open({self.sentinel!r}, 'w').close()",))


def _npz(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _structure(obj):
    import json
    return np.frombuffer(json.dumps({"format": "minigrad", "version": 1, "object": obj}).encode(), np.uint8)


def _valid_checkpoint():
    buf = io.BytesIO()
    minigrad.save({"weight": minigrad.arange(100.0).reshape(10, 10), "step": 3}, buf)
    return buf.getvalue()


def _torch_file(obj, **kwargs):
    buf = io.BytesIO()
    torch.save(obj, buf, **kwargs)
    return buf.getvalue()


def _zip(members, compression=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _npy_bytes(array, allow_pickle=True):
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


CRAFTED = {
    # pickles, every protocol, two kinds of payload
    **{f"pickle_protocol_{p}": (lambda s, p=p: pickle.dumps(Payload(s), protocol=p)) for p in range(6)},
    "pickle_exec": lambda s: pickle.dumps(ExecPayload(s)),
    "pickle_in_a_dict": lambda s: pickle.dumps({"weight": np.ones(2), "x": Payload(s)}),
    # npz archives whose members need pickle
    "npz_object_array_as_tensor": lambda s: _npz(t0=np.array([Payload(s)], dtype=object),
                                                 __structure__=_structure({"tensor": "t0", "dtype": "float32"})),
    "npz_object_array_as_structure": lambda s: _npz(__structure__=np.array([Payload(s)], dtype=object)),
    "npz_pickle_bytes_as_member": lambda s: _zip({"__structure__.npy": pickle.dumps(Payload(s))}),
    "npy_object_array": lambda s: _npy_bytes(np.array([Payload(s)], dtype=object)),
    # torch.save files (zip and legacy formats), with a payload inside
    "torch_save": lambda s: _torch_file({"weight": torch.ones(2), "evil": Payload(s)}),
    "torch_save_legacy": lambda s: _torch_file({"weight": torch.ones(2), "evil": Payload(s)},
                                               _use_new_zipfile_serialization=False),
    # garbage
    "empty": lambda s: b"",
    "random_bytes": lambda s: np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
    "random_bytes_zip_magic": lambda s: b"PK\x03\x04" + np.random.default_rng(1).bytes(2048),
    "numpy_magic_only": lambda s: b"\x93NUMPY",
    "text": lambda s: b"import os; os.system('touch pwned')\n",
}


# Valid checkpoints with a payload smuggled into an entry that the structure never refers to: they
# load (the extra entry is never read), and the payload stays inert.
SMUGGLED = {
    "npz_object_array_unreferenced": (
        lambda s: _npz(t0=np.ones(2, np.float32), evil=np.array([ExecPayload(s)]),
                       __structure__=_structure({"tensor": "t0", "dtype": "float32"})),
        lambda obj: obj.tolist() == [1.0, 1.0]),
    "zip_with_traversal_names": (
        lambda s: _zip({"../../evil.npy": pickle.dumps(Payload(s)), "/abs/evil.npy": pickle.dumps(Payload(s)),
                        "__structure__.npy": _npy_bytes(_structure({"list": [1, "x"]}), False)}),
        lambda obj: obj == [1, "x"]),
}


def _guard_pickle(monkeypatch):
    """While loading, make unpickling, and the usual ways a payload runs a command, fail loudly (a
    second line of defence besides the sentinel: it catches a path that reached them even if its
    payload did nothing visible)."""
    def refuse(*args, **kwargs):
        raise AssertionError("minigrad.load reached pickle or ran a command")
    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)
    for module, name in ((os, "system"), (os, "popen"), (os, "execv"), (os, "execve"), (os, "spawnv"),
                         (os, "posix_spawn"), (subprocess, "Popen")):
        monkeypatch.setattr(module, name, refuse)


def _load_and_expect_refusal(source, sentinel, monkeypatch):
    with monkeypatch.context() as m:
        _guard_pickle(m)
        with pytest.raises(RuntimeError) as err:
            minigrad.load(source)
    assert not sentinel.exists(), "loading ran code from the file"
    message = str(err.value)
    assert "checkpoint" in message, f"unclear error: {message}"
    return message


@pytest.mark.parametrize("name", list(CRAFTED))
def test_crafted_file_never_runs_code(name, tmp_path, monkeypatch):
    sentinel = tmp_path / "sentinel"
    data = CRAFTED[name](sentinel)
    assert not sentinel.exists()  # building the file ran nothing either
    path = tmp_path / f"{name}.pt"
    path.write_bytes(data)
    message = _load_and_expect_refusal(path, sentinel, monkeypatch)
    assert str(path) in message  # the error names the file
    _load_and_expect_refusal(io.BytesIO(data), sentinel, monkeypatch)
    with monkeypatch.context() as m:  # weights_only=False changes nothing: loading is always weights-only
        _guard_pickle(m)
        with pytest.raises(RuntimeError):
            minigrad.load(path, weights_only=False)
    assert not sentinel.exists()


@pytest.mark.parametrize("name", list(SMUGGLED))
def test_unreferenced_payload_stays_inert(name, tmp_path, monkeypatch):
    sentinel = tmp_path / "sentinel"
    make, expected = SMUGGLED[name]
    path = tmp_path / "smuggled.pt"
    path.write_bytes(make(sentinel))
    with monkeypatch.context() as m:
        _guard_pickle(m)
        obj = minigrad.load(path)
    assert expected(obj) and not sentinel.exists()
    assert sorted(os.listdir(tmp_path)) == ["smuggled.pt"]  # nothing extracted anywhere near


def test_a_torch_file_with_a_payload_names_the_global(tmp_path, monkeypatch):
    """Refused like torch.load(weights_only=True): pickle.UnpicklingError (here also a RuntimeError),
    naming the global that is not allowed."""
    sentinel = tmp_path / "sentinel"
    path = tmp_path / "model.pt"
    path.write_bytes(CRAFTED["torch_save"](sentinel))
    message = _load_and_expect_refusal(path, sentinel, monkeypatch)
    assert "model.pt is a torch checkpoint" in message and "the global io.open" in message
    with pytest.raises(pickle.UnpicklingError):
        minigrad.load(path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)
    assert not sentinel.exists()


def test_torch_state_dict_loads_without_pickle(monkeypatch):
    data = _torch_file(torch.nn.Linear(2, 2).state_dict())
    with monkeypatch.context() as m:
        _guard_pickle(m)
        sd = minigrad.load(io.BytesIO(data))
    assert list(sd) == ["weight", "bias"] and sd["weight"].shape == (2, 2)


# --- torch's zip format with a malicious data.pkl ---------------------------------------------------
def _torch_zip(pkl, records=None, folder="archive"):
    """A zip laid out as torch.save lays it out, with ``pkl`` as data.pkl and ``records`` (name ->
    bytes) as further entries."""
    members = {f"{folder}/data.pkl": pkl, f"{folder}/byteorder": b"little", f"{folder}/version": b"3\n"}
    members.update({f"{folder}/{name}": data for name, data in (records or {}).items()})
    return _zip(members)


def _pkl(*parts):
    """A protocol-2 pickle of the given opcodes, as torch.save starts and ends it."""
    return b"\x80\x02" + b"".join(parts) + b"."


def _str(text):
    data = text.encode()
    return b"X" + len(data).to_bytes(4, "little") + data


def _global(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def _touch(s):
    return f"open({str(s)!r}, 'w').close()"


def _storage_pid(key="0", numel=2, storage="FloatStorage"):
    return b"(" + _str("storage") + _global("torch", storage) + _str(key) + _str("cpu") + b"J" + \
        numel.to_bytes(4, "little", signed=True) + b"tQ"


def _tensor_pkl(key="0", numel=2, offset=0, size=(2,), stride=(1,), storage="FloatStorage"):
    def ints(values):
        return b"(" + b"".join(b"J" + v.to_bytes(4, "little", signed=True) for v in values) + b"t"
    return _global("torch._utils", "_rebuild_tensor_v2") + b"(" + _storage_pid(key, numel, storage) + \
        b"J" + offset.to_bytes(4, "little", signed=True) + ints(size) + ints(stride) + b"\x89" + \
        _global("collections", "OrderedDict") + b")Rt" + b"R"


# Pickles that run code when Python's pickle loads them (test_torch_payloads_really_would_run proves
# it); each must be refused inside a torch checkpoint, before it runs.
LIVE_PAYLOADS = {
    "global_reduce_os_system": lambda s: _pkl(_global("os", "system"), _str(f"touch {s}"), b"\x85R"),
    "global_reduce_posix_system": lambda s: _pkl(_global("posix", "system"), _str(f"touch {s}"), b"\x85R"),
    "global_reduce_builtins_exec": lambda s: _pkl(_global("builtins", "exec"), _str(_touch(s)), b"\x85R"),
    "global_reduce_builtins_eval": lambda s: _pkl(_global("builtins", "eval"), _str(_touch(s)), b"\x85R"),
    "global_reduce_py2_builtin_eval": lambda s: _pkl(_global("__builtin__", "eval"), _str(_touch(s)), b"\x85R"),
    "global_reduce_io_open": lambda s: _pkl(_global("io", "open"), _str(str(s)), _str("w"), b"\x86R"),
    "global_reduce_subprocess_popen": lambda s: _pkl(_global("subprocess", "check_call"), b"](",
                                                     _str("touch"), _str(str(s)), b"e\x85R"),
    "payload_inside_a_state_dict": lambda s: _pkl(_global("collections", "OrderedDict"), b")R(", _str("x"),
                                                  _global("os", "system"), _str(f"touch {s}"), b"\x85R",
                                                  _str("w"), _tensor_pkl(), b"u"),
    "payload_as_a_storage_type": lambda s: _pkl(b"(", _str("storage"), _global("os", "system"),
                                                _str(f"touch {s}"), b"\x85R", _str("0"), _str("cpu"), b"K\x02tQ"),
    "inst_opcode": lambda s: _pkl(b"(", _str(f"touch {s}"), b"ios\nsystem\n"),
    "obj_opcode": lambda s: _pkl(b"(", _global("os", "system"), _str(f"touch {s}"), b"o"),
    "stack_global_opcode": lambda s: _pkl(_str("os"), _str("system"), b"\x93", _str(f"touch {s}"), b"\x85R"),
    "torch_save_of_a_reduce_payload": lambda s: _torch_pkl({"x": Payload(s), "w": torch.ones(2)}),
    "torch_save_of_an_exec_payload": lambda s: _torch_pkl([ExecPayload(s)]),
}


def _torch_pkl(obj):
    with zipfile.ZipFile(io.BytesIO(_torch_file(obj))) as z:
        return z.read(next(n for n in z.namelist() if n.endswith("/data.pkl")))


def _really_unpickle(pkl):
    unpickler = pickle.Unpickler(io.BytesIO(pkl))
    unpickler.persistent_load = lambda pid: None
    return unpickler.load()


@pytest.mark.parametrize("name", list(LIVE_PAYLOADS))
def test_torch_payloads_really_would_run(name, tmp_path):
    """The checks below are meaningful: Python's pickle does create the sentinel from each payload."""
    sentinel = tmp_path / "sentinel"
    try:
        _really_unpickle(LIVE_PAYLOADS[name](sentinel))
    except Exception:  # noqa: BLE001 - e.g. a dict built from the payload's result; it has run by then
        pass
    assert sentinel.exists()


@pytest.mark.parametrize("name", list(LIVE_PAYLOADS))
def test_torch_payload_is_refused_without_running(name, tmp_path, monkeypatch):
    sentinel = tmp_path / "sentinel"
    path = tmp_path / "model.pth"
    path.write_bytes(_torch_zip(LIVE_PAYLOADS[name](sentinel), {"data/0": np.ones(2, np.float32).tobytes()}))
    message = _load_and_expect_refusal(path, sentinel, monkeypatch)
    assert f"{path} is a torch checkpoint" in message and "does not allow" in message


_ALLOWED_OPCODES = {"PROTO", "STOP", "GLOBAL", "REDUCE", "BUILD", "BINPERSID", "MARK", "TUPLE", "TUPLE1", "TUPLE2",
                    "TUPLE3", "EMPTY_TUPLE", "EMPTY_LIST", "APPEND", "APPENDS", "EMPTY_DICT", "SETITEM", "SETITEMS",
                    "NONE", "NEWTRUE", "NEWFALSE", "BININT", "BININT1", "BININT2", "LONG1", "BINFLOAT", "BINUNICODE",
                    "BINGET", "LONG_BINGET", "BINPUT", "LONG_BINPUT"}
OTHER_OPCODES = [op for op in pickletools.opcodes if op.name not in _ALLOWED_OPCODES]


@pytest.mark.parametrize("opcode", OTHER_OPCODES, ids=lambda op: op.name)
def test_every_other_pickle_opcode_is_refused(opcode, tmp_path, monkeypatch):
    """Every opcode torch.save does not emit (INST, OBJ, NEWOBJ, STACK_GLOBAL, EXT1, PERSID, FRAME,
    STRING, ... all of pickletools.opcodes but the allowed ones) is refused by name, whatever follows it."""
    pkl = _pkl(_str("x"), opcode.code.encode("latin-1"), b"\x00" * 16)
    message = _load_and_expect_refusal(io.BytesIO(_torch_zip(pkl)), tmp_path / "sentinel", monkeypatch)
    assert f"the pickle opcode {opcode.name}" in message


# Files that are data but break a rule: refused before allocating or recursing.
def _deep(opening, closing, depth):
    """``depth`` containers, each put into the one before it."""
    return _pkl(opening * depth, closing * (depth - 1))


TORCH_HOSTILE = {  # name -> (file bytes, what the RuntimeError says)
    "global_torch_load": (_torch_zip(_pkl(_global("torch.serialization", "load"), _str("x"), b"\x85R")),
                          "the global torch.serialization.load"),
    "global_numpy_reconstruct": (_torch_zip(_pkl(_global("numpy.core.multiarray", "_reconstruct"))),
                                 "the global numpy.core.multiarray._reconstruct"),
    "global_rebuild_from_numpy": (_torch_zip(_pkl(_global("torch._utils", "_rebuild_device_tensor_from_numpy"))),
                                  "the global torch._utils._rebuild_device_tensor_from_numpy"),
    "reduce_of_a_storage_type": (_torch_zip(_pkl(_global("torch", "FloatStorage"), b")R")), "REDUCE (a call) of"),
    "reduce_of_data": (_torch_zip(_pkl(_str("os.system"), b")R")), "REDUCE (a call) of str"),
    "build_on_a_tensor": (_torch_zip(_pkl(_tensor_pkl(), b"}b"), {"data/0": bytes(8)}),
                          "BUILD (setting attributes) of Tensor"),
    "build_dunder_on_ordered_dict": (_torch_zip(_pkl(_global("collections", "OrderedDict"), b")R}", _str("__class__"),
                                                     b"Nsb")), "BUILD (setting attributes) of OrderedDict"),
    "build_on_a_list": (_torch_zip(_pkl(b"]}b")), "BUILD (setting attributes) of list"),
    "append_to_a_dict": (_torch_zip(_pkl(b"}Na")), "APPEND to dict"),
    "setitem_on_a_list": (_torch_zip(_pkl(b"]NNs")), "SETITEM on list"),
    "persistent_id_not_a_storage": (_torch_zip(_pkl(b"(", _str("module"), _str("os"), b"tQ")), "the persistent id"),
    "tensor_with_backward_hooks": (_torch_zip(_pkl(_global("torch._utils", "_rebuild_tensor_v2"), b"(",
                                                   _storage_pid(), b"K\x00K\x02\x85K\x01\x85\x89}", _str("h"),
                                                   b"NstR"), {"data/0": bytes(8)}), "a tensor with backward hooks"),
    "storage_key_traverses_up": (_torch_zip(_pkl(_tensor_pkl(key="../../../../etc/passwd"))),
                                 "it has no entry 'archive/data/../../../../etc/passwd'"),
    "storage_key_absolute": (_torch_zip(_pkl(_tensor_pkl(key="/etc/passwd"))), "it has no entry"),
    "storage_declares_a_trillion_elements": (_torch_zip(_pkl(_tensor_pkl(numel=2 ** 31 - 1)), {"data/0": bytes(8)}),
                                             "declares 2147483647 elements of torch.float32 (8589934588 bytes) but its "
                                             "entry holds 8 bytes"),
    "storage_compressed": (_zip({"archive/data.pkl": _pkl(_tensor_pkl()), "archive/data/0": bytes(8)},
                                zipfile.ZIP_DEFLATED), "is compressed"),
    "tensor_beyond_its_storage": (_torch_zip(_pkl(_tensor_pkl(size=(3,))), {"data/0": bytes(8)}),
                                  "reaches element 2 of a storage of 2 elements"),
    "tensor_offset_beyond_storage": (_torch_zip(_pkl(_tensor_pkl(offset=2 ** 30)), {"data/0": bytes(8)}),
                                     "reaches element"),
    "tensor_more_elements_than_int64": (_torch_zip(_pkl(_tensor_pkl(size=(2 ** 31 - 1,) * 3, stride=(0,) * 3)),
                                                   {"data/0": bytes(8)}), "cannot be made: array is too big"),
    "tensor_negative_stride": (_torch_zip(_pkl(_tensor_pkl(stride=(-1,))), {"data/0": bytes(8)}),
                               "non-negative integers"),
    "tensor_negative_offset": (_torch_zip(_pkl(_tensor_pkl(offset=-4)), {"data/0": bytes(8)}), "non-negative integer"),
    "storage_read_as_two_dtypes": (_torch_zip(_pkl(b"(", _tensor_pkl(), _tensor_pkl(storage="LongStorage", numel=1,
                                                                                   size=(1,)), b"l"),
                                              {"data/0": bytes(8)}), "storage '0' is used as torch.float32 and as"),
    "string_longer_than_the_file": (_torch_zip(_pkl(b"X\xff\xff\xff\xff")), "data.pkl is truncated"),
    "no_stop": (_torch_zip(b"\x80\x02N"), "ends before its STOP opcode"),
    "stack_underflow": (_torch_zip(_pkl(b"R")), "data.pkl is malformed"),
    "mark_never_set": (_torch_zip(_pkl(b"t")), "data.pkl is malformed"),
    "memo_get_never_put": (_torch_zip(_pkl(b"h\x07")), "data.pkl is malformed"),
    "unhashable_key": (_torch_zip(_pkl(b"}]Ns")), "data.pkl is malformed"),
    # torch 2.13's own weights_only loader crashes the interpreter (segfault in hash()) on this one
    "tuples_nested_200000_deep_as_a_key": (_torch_zip(_pkl(b"})", b"\x85" * 200_000, b"K\x01s")),
                                           "nests tuples more than 100 deep"),
    "lists_nested_20000_deep": (_torch_zip(_deep(b"]", b"a", 20_000)),
                                 "nests containers more than 100 deep"),
    "list_containing_itself": (_torch_zip(_pkl(b"]q\x00h\x00a")), "a container contains itself"),
    "byteorder_unknown": (_torch_zip(_pkl(b"N"), {"byteorder": b"middle"}), "byteorder record"),
    "torchscript_archive": (_torch_zip(_pkl(b"N"), {"constants.pkl": b""}), "TorchScript archive"),
}


@pytest.mark.parametrize("name", list(TORCH_HOSTILE))
def test_hostile_torch_file_is_refused(name, tmp_path, monkeypatch):
    data, expected = TORCH_HOSTILE[name]
    message = _load_and_expect_refusal(io.BytesIO(data), tmp_path / "sentinel", monkeypatch)
    assert expected in message, message


def test_torch_file_with_traversing_entry_names_extracts_nothing(tmp_path, monkeypatch):
    """Entry names are only looked up in the archive, never used as paths: a data.pkl folder named
    '..' and entries under '../' or '/' load as data, and nothing appears on disk."""
    work = tmp_path / "work"
    work.mkdir()
    data = _zip({"../data.pkl": _pkl(_tensor_pkl()), "../data/0": np.array([1.5, 2.5], np.float32).tobytes(),
                 "../../evil.py": b"import os", "/abs/evil.py": b"import os"})
    (work / "model.pth").write_bytes(data)
    before = sorted(os.listdir(tmp_path)), sorted(os.listdir(work))
    with monkeypatch.context() as m:
        _guard_pickle(m)
        t = minigrad.load(work / "model.pth")
    assert t.tolist() == [1.5, 2.5]
    assert (sorted(os.listdir(tmp_path)), sorted(os.listdir(work))) == before


def test_shared_references_do_not_blow_up():
    """40 levels of [x, x] by memo reference: 2**40 leaves as a tree but 40 lists in memory, as torch
    builds it; loading and its checks walk each list once."""
    body = b"Nq\x00"
    for i in range(40):
        body += b"](h" + bytes([i]) + b"h" + bytes([i]) + b"eq" + bytes([i + 1])
    start = time.perf_counter()
    obj = minigrad.load(io.BytesIO(_torch_zip(_pkl(body))))
    assert time.perf_counter() - start < 5
    for _ in range(40):
        assert obj[0] is obj[1]
        obj = obj[0]
    assert obj is None


@pytest.mark.parametrize("cut", [1, 10, 30, 64, 100, 200, 0.25, 0.5, 0.75, 0.9, -22, -1])
def test_truncated_checkpoint_raises_a_clear_error(cut, tmp_path, monkeypatch):
    data = _valid_checkpoint()
    end = int(len(data) * cut) if isinstance(cut, float) else cut
    _load_and_expect_refusal(io.BytesIO(data[:end]), tmp_path / "sentinel", monkeypatch)


@pytest.mark.parametrize("seed", range(20))
def test_corrupted_bytes_never_crash_differently(seed, monkeypatch, tmp_path):
    """Flip random bytes of a valid checkpoint: the load either succeeds (the damage hit nothing that
    matters, e.g. array data) or raises RuntimeError; never another exception type."""
    data = bytearray(_valid_checkpoint())
    rng = np.random.default_rng(seed)
    for i in rng.integers(0, len(data), 4):
        data[i] = int(rng.integers(0, 256))
    with monkeypatch.context() as m:
        _guard_pickle(m)
        try:
            minigrad.load(io.BytesIO(bytes(data)))
        except RuntimeError:
            pass


def test_valid_checkpoint_still_loads_with_pickle_disabled(monkeypatch):
    with monkeypatch.context() as m:
        _guard_pickle(m)
        back = minigrad.load(io.BytesIO(_valid_checkpoint()))
    assert back["step"] == 3 and back["weight"].sum().item() == 4950.0


# --- grad mode is per thread -------------------------------------------------------------------------
MODES = {
    "no_grad": (lambda: minigrad.no_grad(), False),
    "enable_grad": (lambda: minigrad.enable_grad(), True),
    "set_grad_enabled_false": (lambda: minigrad.set_grad_enabled(False), False),
    "set_grad_enabled_true": (lambda: minigrad.set_grad_enabled(True), True),
    "inference_mode": (lambda: minigrad.inference_mode(), False),
    "default": (None, True),
}


def _run_threads(target, n):
    errors = []

    def wrapped(i):
        try:
            target(i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]


def test_grad_modes_of_concurrent_threads_do_not_leak():
    """Six threads, each in a different grad mode, enter their modes together, record ops in
    lockstep (a barrier between rounds, so every mode is active at the same time), and check each
    result; then they leave their modes together and all record again."""
    names = list(MODES)
    rounds = 20
    barrier = threading.Barrier(len(names), timeout=30)

    def worker(i):
        make, records = MODES[names[i]]
        x = minigrad.ones(3, requires_grad=True)
        barrier.wait()
        context = make() if make else None
        if context is not None:
            context.__enter__()
        try:
            for _ in range(rounds):
                barrier.wait()  # every thread is inside its mode now
                y = x * 2 + 1
                assert y.requires_grad is records, f"{names[i]}: requires_grad={y.requires_grad}"
                assert minigrad.is_grad_enabled() is records
        finally:
            if context is not None:
                context.__exit__(None, None, None)
        barrier.wait()
        assert minigrad.is_grad_enabled() and (x * 2).requires_grad, f"{names[i]} did not restore grad mode"
    _run_threads(worker, len(names))


def test_decorated_no_grad_functions_in_threads():
    barrier = threading.Barrier(4, timeout=30)
    seen = {}

    @minigrad.no_grad()
    def frozen(x):
        barrier.wait()
        out = x * 3
        barrier.wait()
        return out

    def live(x):
        barrier.wait()
        out = x * 3
        barrier.wait()
        return out

    def worker(i):
        x = minigrad.ones(2, requires_grad=True)
        seen[i] = (frozen if i % 2 else live)(x).requires_grad
    _run_threads(worker, 4)
    assert seen == {0: True, 1: False, 2: True, 3: False}


def test_backward_in_one_thread_does_not_switch_off_grad_in_another():
    """The engine runs backward formulas under no_grad (thread-local): a thread recording ops while
    another runs a long backward keeps recording, and both get torch's gradients."""
    started, done = threading.Event(), threading.Event()
    results = {}

    def backward_thread(_):
        x = minigrad.tensor([1.5], dtype=minigrad.float64, requires_grad=True)
        y = x
        for _ in range(20_000):
            y = y * 1.0001
        started.set()
        y.sum().backward()
        done.set()
        results["grad"] = x.grad.item()

    def recording_thread(_):
        assert started.wait(30)
        x = minigrad.ones(2, requires_grad=True)
        recorded = 0
        while not done.is_set() or recorded == 0:
            assert (x * 2).requires_grad and minigrad.is_grad_enabled()
            recorded += 1
        results["recorded"] = recorded

    def run(i):
        (backward_thread if i == 0 else recording_thread)(i)
    _run_threads(run, 2)
    assert results["recorded"] > 0
    assert results["grad"] == pytest.approx(1.0001 ** 20_000, rel=1e-9)


def test_independent_backward_passes_in_parallel_threads():
    n = 4
    barrier = threading.Barrier(n, timeout=30)
    grads = {}

    def worker(i):
        x = minigrad.tensor(np.linspace(-1, 1, 50) + i, requires_grad=True)
        w = minigrad.tensor(np.full(50, float(i + 1)), requires_grad=True)
        barrier.wait()
        for _ in range(20):
            loss = ((x * w).tanh() * x).sum()
            loss.backward()
        grads[i] = (x.grad.numpy().copy(), w.grad.numpy().copy())

    _run_threads(worker, n)
    for i in range(n):
        xt = torch.tensor(np.linspace(-1, 1, 50) + i, requires_grad=True)
        wt = torch.tensor(np.full(50, float(i + 1)), requires_grad=True)
        for _ in range(20):
            ((xt * wt).tanh() * xt).sum().backward()
        np.testing.assert_allclose(grads[i][0], xt.grad.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(grads[i][1], wt.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_a_new_thread_starts_with_grad_enabled_like_torch():
    for lib in (minigrad, torch):
        seen = []
        with lib.no_grad():
            t = threading.Thread(target=lambda seen=seen, lib=lib: seen.append(lib.is_grad_enabled()))
            t.start()
            t.join()
        assert seen == [True], lib.__name__


def test_sentinel_payload_really_would_run(tmp_path):
    """The check is meaningful: unpickling the payload does create the sentinel."""
    sentinel = tmp_path / "sentinel"
    pickle.loads(pickle.dumps(Payload(sentinel))).close()
    assert sentinel.exists()
    os.remove(sentinel)
    pickle.loads(pickle.dumps(ExecPayload(sentinel)))
    assert sentinel.exists()

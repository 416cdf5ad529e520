"""Safety: loading a file never runs code from it, and grad mode is per thread.

``minigrad.load`` reads a NumPy ``.npz`` with ``allow_pickle=False`` plus a JSON description, so a
crafted file (a pickle with a ``__reduce__`` payload, an npz member holding a pickled object
array, a ``torch.save`` file, random bytes, an empty or truncated file) must raise a clear
RuntimeError, and the payload, which would create a sentinel file, must never run. Unpickling is
also made to fail loudly while loading, so any code path that reached pickle would be caught even
if its payload did nothing visible.

Grad mode (``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``) is thread-local,
as in torch: threads running at the same time, synchronised with barriers, each see only their own
mode, and a backward pass in one thread (which switches grad mode off internally) does not change
what another thread records.
"""
import io
import os
import pickle
import threading
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


def _zip(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
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
    "torch_state_dict": lambda s: _torch_file(torch.nn.Linear(2, 2).state_dict()),
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
    """Make any unpickling during the load fail loudly (a second line of defence besides the sentinel)."""
    def refuse(*args, **kwargs):
        raise AssertionError("minigrad.load reached pickle")
    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)


def _load_and_expect_refusal(source, sentinel, monkeypatch):
    with monkeypatch.context() as m:
        _guard_pickle(m)
        with pytest.raises(RuntimeError) as err:
            minigrad.load(source)
    assert not sentinel.exists(), "loading ran code from the file"
    message = str(err.value)
    assert "minigrad checkpoint" in message, f"unclear error: {message}"
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


def test_a_torch_file_gets_a_hint(tmp_path, monkeypatch):
    sentinel = tmp_path / "sentinel"
    path = tmp_path / "model.pt"
    path.write_bytes(CRAFTED["torch_save"](sentinel))
    message = _load_and_expect_refusal(path, sentinel, monkeypatch)
    assert "torch.save file" in message and "torch.load" in message


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

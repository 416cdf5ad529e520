"""``utils.data`` against torch: batches (sequential, drop_last, custom collate, dicts, strings,
namedtuples, NumPy, a user's CSV dataset), seeded shuffles, samplers and random_split giving torch's
exact orders, the random stream left as torch leaves it, and torch's errors."""
import collections
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st
import torch
import torch.utils.data as tdata

import minigrad
import minigrad.utils.data as mdata


LIBS = ((minigrad, mdata), (torch, tdata))


def as_plain(batch):
    """A batch as nested Python values, with each tensor's dtype name, to compare libraries exactly."""
    if isinstance(batch, (minigrad.Tensor, torch.Tensor)):
        return ("tensor", repr(batch.dtype), batch.tolist())
    if isinstance(batch, dict):
        return {k: as_plain(v) for k, v in batch.items()}
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return (type(batch).__name__,) + tuple(as_plain(v) for v in batch)
    if isinstance(batch, (list, tuple)):
        return (type(batch).__name__, [as_plain(v) for v in batch])
    return batch


def batches(lib, data, make_dataset, **loader_kwargs):
    loader = data.DataLoader(make_dataset(lib, data), **loader_kwargs)
    return [as_plain(b) for b in loader], len(loader)


def tensor_dataset(lib, data):
    x = lib.arange(30, dtype=lib.float32).reshape(10, 3)
    return data.TensorDataset(x, lib.arange(10) % 3)


def assert_same_batches(make_dataset, **loader_kwargs):
    (mine, len_m), (theirs, len_t) = (batches(lib, data, make_dataset, **loader_kwargs) for lib, data in LIBS)
    assert mine == theirs
    assert len_m == len_t
    return mine


@pytest.mark.parametrize("kwargs", [{}, {"batch_size": 4}, {"batch_size": 4, "drop_last": True},
                                    {"batch_size": 10}, {"batch_size": 20}, {"batch_size": 3, "num_workers": 2},
                                    {"batch_size": None}, {"batch_size": 4, "pin_memory": True}])
def test_tensor_dataset_batches(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: pin_memory without an accelerator
        assert_same_batches(tensor_dataset, **kwargs)


class Samples:
    """A map-style dataset of arbitrary Python samples (no base class needed, like torch)."""

    def __init__(self, make):
        self.make = make

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return self.make(i)


Point = collections.namedtuple("Point", ["x", "y"])
SAMPLES = {
    "dict": lambda lib, i: {"features": lib.tensor([float(i), 2.0 * i]), "label": i % 2, "name": f"s{i}"},
    "tuple_mixed": lambda lib, i: (float(i) / 3, i, bool(i % 2), "ab"[i % 2], b"x"),
    "numpy": lambda lib, i: (np.full((2, 2), i, dtype=np.float32), np.int64(i), np.float64(i / 2), np.arange(i, i + 3)),
    "namedtuple": lambda lib, i: Point(lib.tensor(i), [i, i + 1]),
    "nested": lambda lib, i: [{"a": (i, float(i))}, [lib.ones(2) * i]],
    "plain_numbers": lambda lib, i: i * 1.5,
}


@pytest.mark.parametrize("kind", list(SAMPLES))
@pytest.mark.parametrize("batch_size", [3, None])
def test_collated_samples_match_torch(kind, batch_size):
    assert_same_batches(lambda lib, data: Samples(lambda i: SAMPLES[kind](lib, i)), batch_size=batch_size)


def test_custom_collate_fn():
    def collate(lib):
        return lambda samples: lib.stack([x.sum() for x, _ in samples])
    results = [[b.tolist() for b in data.DataLoader(tensor_dataset(lib, data), batch_size=4, collate_fn=collate(lib))]
               for lib, data in LIBS]
    assert results[0] == results[1]


def test_default_collate_and_convert_directly():
    cases = [[1, 2, 3], [1.0, 2.5], [True, False], [np.float32(1), np.float32(2)], [np.array([1, 2]), np.array([3, 4])],
             [{"a": 1, "b": [1.0, 2.0]}, {"a": 2, "b": [3.0, 4.0]}], [("a", 1), ("b", 2)], ["x", "y"]]
    for batch in cases:
        assert as_plain(mdata.default_collate(batch)) == as_plain(tdata.default_collate(batch))
    for sample in [np.arange(3), {"a": np.ones(2)}, (np.int32(3), "s"), [np.float64(1.5)], 7, "text"]:
        assert as_plain(mdata.default_convert(sample)) == as_plain(tdata.default_convert(sample))


def test_default_collate_errors_match_torch():
    for batch in ([object(), object()], [np.array(["a"]), np.array(["b"])], [[1, 2], [3]]):
        with pytest.raises(Exception) as expected:
            tdata.default_collate(batch)
        with pytest.raises(type(expected.value)) as got:
            mdata.default_collate(batch)
        assert str(got.value).replace("minigrad", "torch") == str(expected.value)


@pytest.mark.parametrize("reader", ["pandas", "numpy"])
def test_user_csv_dataset(tmp_path, reader):
    """A chapter-style Dataset subclass reading a CSV file; the same code runs on both libraries."""
    path = tmp_path / "houses.csv"
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"area": rng.uniform(50, 200, 23).round(1), "rooms": rng.integers(1, 6, 23),
                          "price": rng.uniform(1e5, 5e5, 23).round(0)})
    frame.to_csv(path, index=False)

    def make(lib, data):
        class HouseDataset(data.Dataset):
            def __init__(self, csv_file):
                if reader == "pandas":
                    table = pd.read_csv(csv_file).to_numpy(dtype=np.float32)
                else:
                    table = np.loadtxt(csv_file, delimiter=",", skiprows=1, dtype=np.float32)
                self.x = lib.tensor(table[:, :2])
                self.y = lib.tensor(table[:, 2:])

            def __len__(self):
                return len(self.x)

            def __getitem__(self, idx):
                return self.x[idx], self.y[idx]
        return HouseDataset(path)

    mine = assert_same_batches(make, batch_size=5)
    assert len(mine) == 5
    lib_batches = {}
    for lib, data in LIBS:
        lib.manual_seed(7)
        lib_batches[lib.__name__] = [as_plain(b) for b in data.DataLoader(make(lib, data), batch_size=5, shuffle=True)]
    assert lib_batches["minigrad"] == lib_batches["torch"]


# --- seeded shuffles --------------------------------------------------------------------------------
def test_shuffle_reference_vector():
    """manual_seed(1), 10 samples, one shuffled batch: torch's order 4 2 0 6 8 7 9 1 5 3."""
    minigrad.manual_seed(1)
    (batch,) = list(mdata.DataLoader(list(range(10)), batch_size=10, shuffle=True))
    assert batch.tolist() == [4, 2, 0, 6, 8, 7, 9, 1, 5, 3]


@pytest.mark.parametrize("seed", [0, 1, 123])
@pytest.mark.parametrize("n,batch_size", [(10, 3), (257, 32), (1000, 100)])
@pytest.mark.parametrize("use_generator", [False, True])
def test_shuffled_epochs_match_torch_and_cover_every_index(seed, n, batch_size, use_generator):
    orders = []
    for lib, data in LIBS:
        lib.manual_seed(seed)
        generator = lib.Generator().manual_seed(seed + 1) if use_generator else None
        loader = data.DataLoader(list(range(n)), batch_size=batch_size, shuffle=True, generator=generator)
        epochs = [[i for b in loader for i in b.tolist()] for _ in range(3)]
        after = lib.rand(3).tolist()  # the default stream is left where torch leaves it
        orders.append((epochs, after))
    assert orders[0] == orders[1]
    for epoch in orders[0][0]:
        assert sorted(epoch) == list(range(n))
    assert orders[0][0][0] != orders[0][0][1]  # a new order each epoch


def test_sequential_loader_consumes_one_base_seed_per_epoch():
    for lib, data in LIBS:
        lib.manual_seed(5)
        for _ in range(2):
            list(data.DataLoader(list(range(4)), batch_size=2))
        reference = lib.Generator().manual_seed(5)
        for _ in range(2):
            lib.empty((), dtype=lib.int64).random_(generator=reference)
        assert lib.rand(2).tolist() == lib.rand(2, generator=reference).tolist()


def test_persistent_workers_draw_the_base_seed_once_like_torch():
    """torch (with real worker processes) seeds its persistent workers on the first epoch only."""
    results = []
    for lib, data in LIBS:
        lib.manual_seed(3)
        loader = data.DataLoader(list(range(12)), batch_size=5, shuffle=True, num_workers=2, persistent_workers=True)
        results.append(([[b.tolist() for b in loader] for _ in range(3)], lib.rand(2).tolist()))
    assert results[0] == results[1]


def test_num_workers_gives_the_same_shuffled_batches():
    results = []
    for workers in (0, 2):
        minigrad.manual_seed(3)
        loader = mdata.DataLoader(tensor_dataset(minigrad, mdata), batch_size=3, shuffle=True, num_workers=workers)
        results.append([as_plain(b) for b in loader])
    assert results[0] == results[1]


# --- samplers and random_split ----------------------------------------------------------------------
SAMPLERS = {
    "sequential": lambda lib, data, g: data.SequentialSampler(range(9)),
    "random": lambda lib, data, g: data.RandomSampler(range(9), generator=g),
    "random_num_samples": lambda lib, data, g: data.RandomSampler(range(9), num_samples=23, generator=g),
    "random_exact_multiple": lambda lib, data, g: data.RandomSampler(range(9), num_samples=18, generator=g),
    "random_replacement": lambda lib, data, g: data.RandomSampler(range(9), replacement=True, num_samples=70,
                                                                  generator=g),
    "subset_random": lambda lib, data, g: data.SubsetRandomSampler([10, 20, 30, 40, 50], generator=g),
    "weighted": lambda lib, data, g: data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 12, generator=g),
    "weighted_no_replacement": lambda lib, data, g: data.WeightedRandomSampler([0.9, 0.4, 0.05, 0.2, 0.3, 0.1], 5,
                                                                               replacement=False, generator=g),
    "batch": lambda lib, data, g: data.BatchSampler(data.RandomSampler(range(10), generator=g), 3, drop_last=False),
    "batch_drop_last": lambda lib, data, g: data.BatchSampler(range(10), 4, drop_last=True),
}


@pytest.mark.parametrize("name", list(SAMPLERS))
@pytest.mark.parametrize("use_generator", [False, True])
def test_samplers_match_torch(name, use_generator):
    results = []
    for lib, data in LIBS:
        lib.manual_seed(11)
        g = lib.Generator().manual_seed(99) if use_generator else None
        sampler = SAMPLERS[name](lib, data, g)
        results.append(([list(sampler) for _ in range(2)], len(sampler), lib.rand(2).tolist()))
    assert results[0] == results[1]


def test_sampler_as_dataloader_argument():
    results = []
    for lib, data in LIBS:
        lib.manual_seed(2)
        sampler = data.WeightedRandomSampler([1.0, 2.0, 3.0, 4.0, 5.0], 8)
        results.append([b.tolist() for b in data.DataLoader(list(range(5)), batch_size=3, sampler=sampler)])
        batch_sampler = data.BatchSampler(data.SequentialSampler(range(5)), 2, drop_last=False)
        results.append([b.tolist() for b in data.DataLoader(list(range(5)), batch_sampler=batch_sampler)])
    assert results[0:2] == results[2:4]


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.7], [0.33, 0.33, 0.34], [0.5, 0.5], [0.1, 0.2, 0.3, 0.4], [10]])
@pytest.mark.parametrize("use_generator", [False, True])
def test_random_split_matches_torch(lengths, use_generator):
    results = []
    for lib, data in LIBS:
        lib.manual_seed(4)
        kwargs = {"generator": lib.Generator().manual_seed(42)} if use_generator else {}
        splits = data.random_split(range(10), lengths, **kwargs)
        results.append(([list(s.indices) for s in splits], [list(s) for s in splits], lib.rand(1).tolist()))
    assert results[0] == results[1]


def test_random_split_default_generator_follows_manual_seed():
    minigrad.manual_seed(0)
    first = [list(s) for s in mdata.random_split(range(8), [4, 4])]
    minigrad.manual_seed(0)
    assert [list(s) for s in mdata.random_split(range(8), [4, 4])] == first


def test_random_split_zero_length_warns():
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        mdata.random_split(range(3), [0.9, 0.1])


# --- datasets --------------------------------------------------------------------------------------
def test_concat_subset_and_add():
    for lib, data in LIBS:
        a = data.TensorDataset(lib.arange(3))
        b = data.TensorDataset(lib.arange(10, 14))
        both = a + b
        assert isinstance(both, data.ConcatDataset) and len(both) == 7
        assert [both[i][0].item() for i in range(7)] == [0, 1, 2, 10, 11, 12, 13]
        assert both[-1][0].item() == 13 and both.cumulative_sizes == [3, 7]
        sub = data.Subset(both, [6, 0, 3])
        assert [sub[i][0].item() for i in range(3)] == [13, 0, 10]
        assert [x.tolist() for (x,) in data.DataLoader(sub, batch_size=2)] == [[13, 0], [10]]


def test_iterable_dataset_batches_match_torch():
    def make(lib, data):
        class Stream(data.IterableDataset):
            def __iter__(self):
                return iter(range(11))

            def __len__(self):
                return 11
        return Stream()
    for kwargs in ({"batch_size": 4}, {"batch_size": 4, "drop_last": True}, {"batch_size": None}):
        assert_same_batches(make, **kwargs)


# --- errors ----------------------------------------------------------------------------------------
ERROR_CASES = [
    ("batch_size_zero", lambda lib, data: data.DataLoader(list(range(3)), batch_size=0)),
    ("batch_size_negative", lambda lib, data: data.DataLoader(list(range(3)), batch_size=-2)),
    ("shuffle_with_sampler", lambda lib, data: data.DataLoader(list(range(3)), shuffle=True,
                                                               sampler=data.SequentialSampler(range(3)))),
    ("batch_sampler_exclusive", lambda lib, data: data.DataLoader(
        list(range(3)), batch_size=2, batch_sampler=data.BatchSampler(range(3), 2, False))),
    ("drop_last_without_batching", lambda lib, data: data.DataLoader(list(range(3)), batch_size=None,
                                                                     drop_last=True)),
    ("num_workers_negative", lambda lib, data: data.DataLoader(list(range(3)), num_workers=-1)),
    ("timeout_negative", lambda lib, data: data.DataLoader(list(range(3)), timeout=-1)),
    ("prefetch_without_workers", lambda lib, data: data.DataLoader(list(range(3)), prefetch_factor=2)),
    ("persistent_without_workers", lambda lib, data: data.DataLoader(list(range(3)), persistent_workers=True)),
    ("set_after_init", lambda lib, data: setattr(data.DataLoader(list(range(3))), "batch_size", 2)),
    ("tensor_dataset_sizes", lambda lib, data: data.TensorDataset(lib.ones(3), lib.ones(4))),
    ("random_split_sum", lambda lib, data: data.random_split(range(5), [2, 2])),
    ("random_split_fraction", lambda lib, data: data.random_split(range(5), [1.5, -0.5])),
    ("random_sampler_num_samples", lambda lib, data: data.RandomSampler(range(3), num_samples=0)),
    ("random_sampler_replacement", lambda lib, data: data.RandomSampler(range(3), replacement=1)),
    ("weighted_num_samples", lambda lib, data: data.WeightedRandomSampler([1.0, 2.0], 0)),
    ("weighted_2d", lambda lib, data: data.WeightedRandomSampler([[1.0, 2.0]], 1)),
    ("batch_sampler_drop_last", lambda lib, data: data.BatchSampler(range(3), 2, drop_last=None)),
    ("concat_empty", lambda lib, data: data.ConcatDataset([])),
    ("concat_index", lambda lib, data: data.ConcatDataset([list(range(3))])[-5]),
    ("iterable_shuffle", lambda lib, data: data.DataLoader(type("S", (data.IterableDataset,), {
        "__iter__": lambda self: iter([])})(), shuffle=True)),
    ("abstract_getitem", lambda lib, data: data.Dataset()[0]),
]


@pytest.mark.parametrize("make", [c[1] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_errors_match_torch(make):
    with pytest.raises(Exception) as expected:
        make(torch, tdata)
    with pytest.raises(type(expected.value)) as got:
        make(minigrad, mdata)
    assert str(got.value) == str(expected.value)


# --- properties (hypothesis): any size, batch size, seed ------------------------------------------------
@given(n=st.integers(1, 60), batch_size=st.integers(1, 70), drop_last=st.booleans(), shuffle=st.booleans(),
       seed=st.integers(0, 2**32 - 1))
def test_any_loader_matches_torch(n, batch_size, drop_last, shuffle, seed):
    results = []
    for lib, data in LIBS:
        lib.manual_seed(seed)
        loader = data.DataLoader(data.TensorDataset(lib.arange(n), lib.arange(n) * 2.0), batch_size=batch_size,
                                 shuffle=shuffle, drop_last=drop_last)
        results.append(([as_plain(b) for b in loader], len(loader), lib.rand(1).tolist()))
    assert results[0] == results[1]


@given(fractions=st.lists(st.integers(1, 20), min_size=1, max_size=5), n=st.integers(0, 50),
       seed=st.integers(0, 2**32 - 1))
def test_any_random_split_matches_torch(fractions, n, seed):
    lengths = [f / sum(fractions) for f in fractions]
    results = []
    for lib, data in LIBS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                splits = data.random_split(range(n), lengths, generator=lib.Generator().manual_seed(seed))
                results.append([list(s.indices) for s in splits])
            except ValueError as err:  # fractions that torch does not accept (sum not close to 1)
                results.append(str(err))
    assert results[0] == results[1]

"""``DataLoader``: iterate over a dataset in (shuffled) mini-batches.

Each ``iter(loader)`` (each epoch) makes a fresh iterator that:
  1. draws a base seed from the loader's ``generator`` (or the default one), as torch does for its
     workers even when there are none (with ``persistent_workers``, on the first epoch only) -- so
     the random stream advances exactly like torch's;
  2. walks the batch sampler: lists of indices (``RandomSampler`` when ``shuffle=True``, else
     ``SequentialSampler``, grouped by ``BatchSampler``);
  3. fetches each sample (``dataset[i]``, or ``dataset.__getitems__(indices)`` when defined) and
     merges them with ``collate_fn`` (``default_collate``).

``num_workers > 0`` is accepted and loads in this process, giving the same batches as torch's worker
processes would (``worker_init_fn`` is therefore never called); ``pin_memory`` is accepted and has
no effect.
"""
from ... import dtypes as _dt
from ...factories import empty
from ._collate import default_collate, default_convert
from .dataset import IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader"]


class DataLoader:
    """``DataLoader(dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
    collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None, ..., generator=None)``."""

    _initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                             "to enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self.persistent_workers = persistent_workers

        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in {False, None}:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified batch_sampler option, but "
                                 f"got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")

        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if batch_size is not None and self._iterable and (not isinstance(batch_size, int) or batch_size <= 0):
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if batch_size is not None or batch_sampler is not None else default_convert
        self.collate_fn = collate_fn
        self._workers_started = False
        self._initialized = True

    def __setattr__(self, attr, val):
        if self._initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                                          "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after {self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    def __iter__(self):
        # torch draws a base seed for its worker processes whenever it starts them -- each epoch, or
        # only the first with persistent_workers -- even when there are none (num_workers=0)
        if not (self.persistent_workers and self._workers_started):
            empty((), dtype=_dt.int64).random_(generator=self.generator)
            self._workers_started = True
        if self._iterable:
            return self._iterable_batches()
        return self._map_batches(iter(self.batch_sampler if self.batch_sampler is not None else self.sampler))

    def _map_batches(self, index_iter):
        dataset, collate_fn = self.dataset, self.collate_fn
        gather = (type(dataset) is TensorDataset and collate_fn is default_collate
                  and not any(t.requires_grad for t in dataset.tensors))
        for index in index_iter:
            if not self._auto_collation:
                yield collate_fn(dataset[index])
            elif gather:
                # Shortcut, same values as stacking the samples: one gather per tensor of a TensorDataset.
                yield [t[index] for t in dataset.tensors]
            elif callable(getattr(dataset, "__getitems__", None)):
                yield collate_fn(dataset.__getitems__(index))
            else:
                yield collate_fn([dataset[i] for i in index])

    def _iterable_batches(self):
        stream = iter(self.dataset)
        if self.batch_size is None:
            yield from (self.collate_fn(sample) for sample in stream)
            return
        while True:
            batch = [sample for _, sample in zip(range(self.batch_size), stream)]
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield self.collate_fn(batch)

    def __len__(self):
        if self._iterable:
            length = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else -(-length // self.batch_size)
            return length
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

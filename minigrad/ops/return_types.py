"""``torch.return_types``: the named (values, indices) pairs that ``max(dim)``, ``min(dim)``, ``sort``
and ``topk`` return (``out.values``, ``out.indices``, or unpacked as a tuple)."""


class _Pair(tuple):
    _op = ""

    def __new__(cls, values, indices):
        return tuple.__new__(cls, (values, indices))

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self):
        return f"torch.return_types.{self._op}(\nvalues={self[0]!r},\nindices={self[1]!r})"


class max(_Pair):  # noqa: A001 - torch's name
    _op = "max"


class min(_Pair):  # noqa: A001
    _op = "min"


class sort(_Pair):
    _op = "sort"


class topk(_Pair):
    _op = "topk"


class cummax(_Pair):
    _op = "cummax"


class cummin(_Pair):
    _op = "cummin"


class kthvalue(_Pair):
    _op = "kthvalue"


class median(_Pair):
    _op = "median"


class nanmedian(_Pair):
    _op = "nanmedian"


class aminmax(tuple):
    """(min, max), as ``out.min`` and ``out.max``."""

    def __new__(cls, min, max):  # noqa: A002 - torch's field names
        return tuple.__new__(cls, (min, max))

    min = property(lambda self: self[0])  # noqa: A003
    max = property(lambda self: self[1])  # noqa: A003

    def __repr__(self):
        return f"torch.return_types.aminmax(\nmin={self[0]!r},\nmax={self[1]!r})"

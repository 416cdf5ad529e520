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


def _named(op, fields):
    """A tuple class with named fields, printed as torch.return_types.<op>(field=..., ...)."""
    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    def __repr__(self):
        body = ",\n".join(f"{name}={value!r}" for name, value in zip(fields, self))
        return f"torch.return_types.{op}(\n{body})"
    attrs = {name: property(lambda self, i=i: self[i]) for i, name in enumerate(fields)}
    return type(op, (tuple,), {"__new__": __new__, "__repr__": __repr__, "_fields": fields, **attrs})


linalg_slogdet = _named("linalg_slogdet", ("sign", "logabsdet"))
slogdet = _named("slogdet", ("sign", "logabsdet"))
linalg_eigh = _named("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_qr = _named("linalg_qr", ("Q", "R"))
qr = _named("qr", ("Q", "R"))
linalg_svd = _named("linalg_svd", ("U", "S", "Vh"))
svd = _named("svd", ("U", "S", "V"))
linalg_lstsq = _named("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
frexp = _named("frexp", ("mantissa", "exponent"))


class mode(_Pair):
    _op = "mode"
histogram = _named("histogram", ("hist", "bin_edges"))
triangular_solve = _named("triangular_solve", ("solution", "cloned_coefficient"))
linalg_cholesky_ex = _named("linalg_cholesky_ex", ("L", "info"))
linalg_inv_ex = _named("linalg_inv_ex", ("inverse", "info"))
linalg_solve_ex = _named("linalg_solve_ex", ("result", "info"))

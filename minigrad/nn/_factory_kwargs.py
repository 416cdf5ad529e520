"""``nn.factory_kwargs``: the helper torch's layers use to merge ``device``/``dtype``/``memory_format``
keyword arguments with an explicit ``factory_kwargs`` dict (torch/nn/__init__.py)."""


def factory_kwargs(kwargs):
    """A dict of the factory keyword arguments in ``kwargs`` (None -> {}). Raises TypeError for other keys
    or for a key given both directly and inside ``kwargs['factory_kwargs']``."""
    if kwargs is None:
        return {}
    simple_keys = {"device", "dtype", "memory_format"}
    expected_keys = simple_keys | {"factory_kwargs"}
    if not kwargs.keys() <= expected_keys:
        raise TypeError(f"unexpected kwargs {kwargs.keys() - expected_keys}")
    r = dict(kwargs.get("factory_kwargs", {}))
    for k in simple_keys:
        if k in kwargs:
            if k in r:
                raise TypeError(f"{k} specified twice, in **kwargs and in factory_kwargs")
            r[k] = kwargs[k]
    return r

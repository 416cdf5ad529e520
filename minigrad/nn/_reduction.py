"""How a loss reduces its per-element values: ``'none'``, ``'mean'`` or ``'sum'`` (torch's ``nn._reduction``).

The old flags ``size_average`` and ``reduce`` still work, with torch's deprecation warning:
``reduce=False`` keeps every element, otherwise ``size_average=False`` sums, and the default means.
"""
import warnings


def legacy_get_string(size_average, reduce, emit_warning=True):
    """The reduction named by the deprecated ``size_average``/``reduce`` flags."""
    if size_average is None:
        size_average = True
    if reduce is None:
        reduce = True
    if size_average and reduce:
        ret = "mean"
    elif reduce:
        ret = "sum"
    else:
        ret = "none"
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                      stacklevel=3)
    return ret


def resolve(reduction, size_average=None, reduce=None, allowed=("none", "mean", "sum")):
    """The reduction to apply; torch's ValueError for an unknown name."""
    if size_average is not None or reduce is not None:
        return legacy_get_string(size_average, reduce)
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      stacklevel=3)
        return "mean"
    if reduction not in allowed:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction

"""Registry entries for the layer ops (minigrad/nn/_layer_ops.py): batch_norm, layer_norm,
embedding and dropout, called through ``nn.functional`` as a torch script would."""
import numpy as np

import minigrad.nn  # noqa: F401 - makes ``minigrad.nn`` reachable as ``lib.nn``

from . import OpInfo, Sample, Rng


def _batch_norm_samples(dtype):
    rng = Rng(11)
    for shape in ((4, 3), (4, 3, 5), (2, 3, 1)):
        yield Sample([rng.normal(shape, dtype), rng.positive((3,), dtype), rng.normal((3,), dtype)],
                     {"training": True})
    yield Sample([rng.normal((5, 3), dtype), None, None], {"training": True, "eps": 1e-3})
    yield Sample([rng.normal((5, 3), dtype), rng.positive((3,), dtype), None], {"training": True})
    # evaluation with running statistics (not differentiable inputs)
    for shape in ((4, 3), (4, 3, 2)):
        yield Sample([rng.normal(shape, dtype), rng.positive((3,), dtype), rng.normal((3,), dtype),
                      rng.normal((3,), dtype), rng.positive((3,), dtype)], {"training": False},
                     grad=[True, True, True, False, False])
    # training that also updates running statistics
    yield Sample([rng.normal((6, 3), dtype), rng.positive((3,), dtype), rng.normal((3,), dtype),
                  rng.normal((3,), dtype), rng.positive((3,), dtype)], {"training": True, "momentum": 0.3},
                 grad=[True, True, True, False, False])


def _batch_norm(lib, x, weight, bias, running_mean=None, running_var=None, **kwargs):
    return lib.nn.functional.batch_norm(x, running_mean, running_var, weight, bias, **kwargs)


def _layer_norm_samples(dtype):
    rng = Rng(12)
    yield Sample([rng.normal((4, 5), dtype), rng.positive((5,), dtype), rng.normal((5,), dtype)],
                 {"normalized_shape": (5,)})
    yield Sample([rng.normal((2, 3, 4), dtype), rng.positive((3, 4), dtype), rng.normal((3, 4), dtype)],
                 {"normalized_shape": (3, 4)})
    yield Sample([rng.normal((2, 3, 4), dtype), rng.positive((2, 3, 4), dtype), rng.normal((2, 3, 4), dtype)],
                 {"normalized_shape": (2, 3, 4), "eps": 1e-3})
    yield Sample([rng.normal((3, 6), dtype), None, None], {"normalized_shape": [6]})
    yield Sample([rng.normal((3, 6), dtype), rng.positive((6,), dtype), None], {"normalized_shape": (6,)})


def _layer_norm(lib, x, weight, bias, normalized_shape, **kwargs):
    return lib.nn.functional.layer_norm(x, normalized_shape, weight, bias, **kwargs)


def _embedding_samples(dtype):
    rng = Rng(13)
    yield Sample([rng.integers(0, 6, (2, 3)), rng.normal((6, 4), dtype)])
    yield Sample([rng.integers(0, 6, (7,)), rng.normal((6, 4), dtype)])
    yield Sample([np.array(3), rng.normal((6, 4), dtype)])


def _embedding_modified_grad_samples(dtype):
    """padding_idx and scale_grad_by_freq change the gradient on purpose (it is no longer the
    derivative of the forward), so these samples are compared with torch only, not gradchecked."""
    rng = Rng(13)
    yield Sample([np.array([[1, 2, 1], [0, 1, 5]]), rng.normal((6, 4), dtype)], {"padding_idx": 1})
    yield Sample([np.array([1, 2, 1, 1, 5]), rng.normal((6, 4), dtype)], {"padding_idx": -1})
    yield Sample([np.array([[1, 2, 1], [0, 1, 5]]), rng.normal((6, 4), dtype)], {"scale_grad_by_freq": True})
    yield Sample([np.array([[3, 3], [0, 3]]), rng.normal((6, 4), dtype)],
                 {"scale_grad_by_freq": True, "padding_idx": 0})


def _embedding(lib, indices, weight, **kwargs):
    return lib.nn.functional.embedding(indices, weight, **kwargs)


def _dropout_samples(dtype):
    rng = Rng(14)
    yield Sample([rng.normal((3, 4), dtype)], {"p": 1.0})  # deterministic: every element dropped


def _dropout(lib, x, **kwargs):
    return lib.nn.functional.dropout(x, **kwargs)


OPS = [
    OpInfo("nn.functional.batch_norm", _batch_norm, _batch_norm_samples, atol=1e-4, rtol=1e-3),
    OpInfo("nn.functional.layer_norm", _layer_norm, _layer_norm_samples, atol=1e-4, rtol=1e-3),
    OpInfo("nn.functional.embedding", _embedding, _embedding_samples),
    OpInfo("nn.functional.embedding.modified_grad", _embedding, _embedding_modified_grad_samples,
           supports_gradcheck=False),
    OpInfo("nn.functional.dropout", _dropout, _dropout_samples),
]

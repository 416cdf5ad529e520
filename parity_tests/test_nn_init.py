"""nn.init against torch.nn.init: gains, fans, errors, the bounds and statistics of every scheme,
and (with the same seed on both libraries) the very same numbers."""
import math
import warnings

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn  # noqa: F401 - makes minigrad.nn reachable as lib.nn
from _compare import accumulation_bound, assert_within, skip_unless_avx2_rng

LIBS = (minigrad, torch)


def _rng_is_bit_exact():
    minigrad.manual_seed(0)
    torch.manual_seed(0)
    return np.array_equal(minigrad.rand(5).numpy(), torch.rand(5).numpy())


RNG_EXACT = _rng_is_bit_exact()
seeded = pytest.mark.xfail(not RNG_EXACT, strict=False, reason="minigrad.random is not yet bit-exact with torch")
# uniform_(a, b) computes a + u * (b - a), normal_ float32 >= 16 values uses normal_fill_16_AVX2
AVX2_RNG = skip_unless_avx2_rng("uniform_(a, b) as one fused multiply-add; float32 normal_fill_16_AVX2")


# --- gains and fans -------------------------------------------------------------------------------
GAINS = [("linear", None), ("conv1d", None), ("conv_transpose3d", None), ("sigmoid", None), ("tanh", None),
         ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("leaky_relu", math.sqrt(5)),
         ("selu", None)]


@pytest.mark.parametrize("nonlinearity,param", GAINS)
def test_calculate_gain(nonlinearity, param):
    ours = minigrad.nn.init.calculate_gain(nonlinearity, param)
    assert ours == torch.nn.init.calculate_gain(nonlinearity, param)
    assert type(ours) is type(torch.nn.init.calculate_gain(nonlinearity, param))


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 3, 2), (2, 3, 4, 5), (1, 1), (0, 4)])
def test_fan_in_and_fan_out(shape):
    ours = minigrad.nn.init._calculate_fan_in_and_fan_out(minigrad.empty(shape))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


ERRORS = {
    "gain_unknown": lambda lib: lib.nn.init.calculate_gain("swish"),
    "gain_bad_slope": lambda lib: lib.nn.init.calculate_gain("leaky_relu", "0.1"),
    "gain_bool_slope": lambda lib: lib.nn.init.calculate_gain("leaky_relu", True),
    "fan_1d": lambda lib: lib.nn.init.xavier_uniform_(lib.empty(5)),
    "fan_0d": lambda lib: lib.nn.init.kaiming_normal_(lib.empty(())),
    "kaiming_mode": lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(3, 4), mode="fan_avg"),
    "eye_3d": lambda lib: lib.nn.init.eye_(lib.empty(2, 2, 2)),
    "orthogonal_1d": lambda lib: lib.nn.init.orthogonal_(lib.empty(4)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_like_torch(name):
    with pytest.raises(Exception) as ours:
        ERRORS[name](minigrad)
    with pytest.raises(Exception) as theirs:
        ERRORS[name](torch)
    assert type(ours.value) is type(theirs.value) and str(ours.value) == str(theirs.value)


def test_zero_element_kaiming_warns_and_keeps_tensor():
    for init in (minigrad.nn.init.kaiming_uniform_, minigrad.nn.init.kaiming_normal_):
        t = minigrad.empty(0, 3)
        with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
            assert init(t) is t


# --- deterministic fills --------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_deterministic_fills_like_torch(dtype):
    for fill in (lambda lib, t: lib.nn.init.constant_(t, 0.3), lambda lib, t: lib.nn.init.ones_(t),
                 lambda lib, t: lib.nn.init.zeros_(t), lambda lib, t: lib.nn.init.eye_(t)):
        for shape in ((3, 4), (4, 3)):
            ours = minigrad.empty(shape, dtype=getattr(minigrad, dtype))
            theirs = torch.empty(shape, dtype=getattr(torch, dtype))
            assert fill(minigrad, ours) is ours
            fill(torch, theirs)
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
            assert ours.dtype is getattr(minigrad, dtype)


def test_init_of_parameters_needs_no_grad_and_records_nothing():
    """Parameters are leaves that require grad: init works on them in place without a graph."""
    layer = minigrad.nn.Linear(4, 3)
    for init in (lambda t: minigrad.nn.init.uniform_(t, -1, 1), minigrad.nn.init.normal_,
                 minigrad.nn.init.xavier_uniform_, minigrad.nn.init.xavier_normal_, minigrad.nn.init.kaiming_uniform_,
                 minigrad.nn.init.kaiming_normal_, minigrad.nn.init.trunc_normal_, minigrad.nn.init.orthogonal_,
                 minigrad.nn.init.eye_, minigrad.nn.init.ones_, minigrad.nn.init.zeros_,
                 lambda t: minigrad.nn.init.constant_(t, 2.0)):
        weight = layer.weight
        version = weight._version
        assert init(weight) is weight
        assert weight.is_leaf and weight.requires_grad and weight.grad_fn is None and weight._version > version
        assert isinstance(layer.weight, minigrad.nn.Parameter)


# --- random schemes: bounds and statistics --------------------------------------------------------
SHAPE = (400, 250)  # fan_in 250, fan_out 400, 100k draws
FAN_IN, FAN_OUT = SHAPE[1], SHAPE[0]
N = SHAPE[0] * SHAPE[1]


def _uniform_std(bound):
    return bound / math.sqrt(3.0)


RANDOM_SCHEMES = {
    # name: (init(lib, t), bound or None, expected mean, expected std)
    "uniform": (lambda lib, t: lib.nn.init.uniform_(t, -0.5, 1.5), (-0.5, 1.5), 0.5, _uniform_std(1.0)),
    "normal": (lambda lib, t: lib.nn.init.normal_(t, 0.3, 2.0), None, 0.3, 2.0),
    "xavier_uniform": (lambda lib, t: lib.nn.init.xavier_uniform_(t, gain=2.0),
                       2.0 * math.sqrt(6.0 / (FAN_IN + FAN_OUT)), 0.0, 2.0 * math.sqrt(2.0 / (FAN_IN + FAN_OUT))),
    "xavier_normal": (lambda lib, t: lib.nn.init.xavier_normal_(t), None, 0.0, math.sqrt(2.0 / (FAN_IN + FAN_OUT))),
    "kaiming_uniform_relu": (lambda lib, t: lib.nn.init.kaiming_uniform_(t, nonlinearity="relu"),
                             math.sqrt(6.0 / FAN_IN), 0.0, math.sqrt(2.0 / FAN_IN)),
    "kaiming_uniform_linear_default": (lambda lib, t: lib.nn.init.kaiming_uniform_(t, a=math.sqrt(5)),
                                       1 / math.sqrt(FAN_IN), 0.0, _uniform_std(1 / math.sqrt(FAN_IN))),
    "kaiming_normal_fan_out": (lambda lib, t: lib.nn.init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"),
                               None, 0.0, math.sqrt(2.0 / FAN_OUT)),
    "kaiming_normal_leaky": (lambda lib, t: lib.nn.init.kaiming_normal_(t, a=0.1),
                             None, 0.0, math.sqrt(2.0 / (1 + 0.01)) / math.sqrt(FAN_IN)),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(RANDOM_SCHEMES))
def test_random_scheme_statistics(name, dtype):
    init, bound, mean, std = RANDOM_SCHEMES[name]
    t = minigrad.empty(SHAPE, dtype=getattr(minigrad, dtype))
    assert init(minigrad, t) is t and t.dtype is getattr(minigrad, dtype)
    x = t.numpy().astype(np.float64)
    if bound is not None:
        low, high = bound if isinstance(bound, tuple) else (-bound, bound)
        assert x.min() >= low and x.max() <= high
        assert x.min() < low + 0.01 * (high - low) and x.max() > high - 0.01 * (high - low)  # fills the range
    # mean within 5 standard errors, std within 2 %
    assert abs(x.mean() - mean) < 5 * std / math.sqrt(N)
    assert abs(x.std() / std - 1) < 0.02
    assert len(np.unique(x)) > N * 0.9


@pytest.mark.parametrize("mean,std,a,b", [(0.0, 1.0, -2.0, 2.0), (0.5, 0.2, 0.0, 1.0), (0.0, 1.0, 2.0, 3.0),
                                          (0.0, 0.02, -0.04, 0.04), (1.0, 1.0, -1.0, 0.0)])
def test_trunc_normal_statistics(mean, std, a, b):
    """Both of torch's sampling paths (mostly inside [a, b]: redraw; mostly outside: accept/reject)."""
    t = minigrad.nn.init.trunc_normal_(minigrad.empty(200, 250), mean, std, a, b)
    x = t.numpy().astype(np.float64)
    assert x.min() >= a and x.max() <= b
    # the truncated normal's mean and std, in closed form
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: (1 + math.erf(z / math.sqrt(2))) / 2  # noqa: E731
    z = cdf(beta) - cdf(alpha)
    exp_mean = mean + std * (pdf(alpha) - pdf(beta)) / z
    exp_std = std * math.sqrt(1 + (alpha * pdf(alpha) - beta * pdf(beta)) / z - ((pdf(alpha) - pdf(beta)) / z) ** 2)
    assert abs(x.mean() - exp_mean) < 5 * exp_std / math.sqrt(x.size)
    assert abs(x.std() / exp_std - 1) < 0.02


def test_trunc_normal_warns_when_mean_far_from_interval():
    for lib in LIBS:
        with pytest.warns(UserWarning, match="mean is more than 2 std from \\[a, b\\]"):
            lib.nn.init.trunc_normal_(lib.empty(10), mean=5.0, std=1.0, a=-1.0, b=1.0)


@pytest.mark.parametrize("shape,gain", [((6, 4), 1.0), ((4, 6), 1.0), ((5, 5), 2.0), ((3, 2, 4), 0.5), ((1, 7), 1)])
def test_orthogonal(shape, gain):
    t = minigrad.nn.init.orthogonal_(minigrad.empty(shape), gain=gain)
    q = t.numpy().reshape(shape[0], -1).astype(np.float64)
    # a float32 Householder Q is orthogonal to m*n ulps (Higham, 2nd ed., Thm 19.4); Q^T Q in float64
    # adds nothing, the gain scales both sides by gain**2
    bound = accumulation_bound(q.size, gain**2)
    if q.shape[0] >= q.shape[1]:
        assert_within(q.T @ q, gain**2 * np.eye(q.shape[1]), bound, "Q^T Q")
    else:
        assert_within(q @ q.T, gain**2 * np.eye(q.shape[0]), bound, "Q Q^T")
    assert t.dtype is minigrad.float32


def test_linear_and_embedding_default_init_bounds():
    layer = minigrad.nn.Linear(300, 200)
    bound = 1 / math.sqrt(300)
    for p in (layer.weight, layer.bias):
        x = p.detach().numpy()
        assert x.min() >= -bound and x.max() <= bound and x.max() > 0.95 * bound and x.min() < -0.95 * bound
    emb = minigrad.nn.Embedding(1000, 100).weight.detach().numpy()
    assert abs(emb.mean()) < 0.02 and abs(emb.std() - 1) < 0.02


# --- seeded: the same numbers as torch ------------------------------------------------------------
SEEDED = {
    "uniform": lambda lib, t: lib.nn.init.uniform_(t, -0.5, 1.5),
    "normal": lambda lib, t: lib.nn.init.normal_(t, 0.3, 2.0),
    "xavier_uniform": lambda lib, t: lib.nn.init.xavier_uniform_(t),
    "xavier_normal": lambda lib, t: lib.nn.init.xavier_normal_(t, gain=0.5),
    "kaiming_uniform": lambda lib, t: lib.nn.init.kaiming_uniform_(t, a=math.sqrt(5)),
    "kaiming_normal": lambda lib, t: lib.nn.init.kaiming_normal_(t, mode="fan_out"),
    "trunc_normal_redraw": lambda lib, t: lib.nn.init.trunc_normal_(t, std=0.5, a=-0.6, b=0.6),
    "trunc_normal_reject": lambda lib, t: lib.nn.init.trunc_normal_(t, a=1.5, b=2.5),
}


@seeded
@AVX2_RNG
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(3, 5), (20, 30), (7, 3, 2)])
@pytest.mark.parametrize("name", list(SEEDED))
def test_seeded_init_equals_torch(name, shape, dtype):
    minigrad.manual_seed(1234)
    torch.manual_seed(1234)
    ours = SEEDED[name](minigrad, minigrad.empty(shape, dtype=getattr(minigrad, dtype)))
    theirs = SEEDED[name](torch, torch.empty(shape, dtype=getattr(torch, dtype)))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@seeded
def test_seeded_orthogonal_close_to_torch():
    """Same normal draws; the QR is NumPy's LAPACK call vs torch's, equal to rounding."""
    for shape in ((6, 4), (4, 6), (3, 2, 4)):
        minigrad.manual_seed(7)
        torch.manual_seed(7)
        ours = minigrad.nn.init.orthogonal_(minigrad.empty(shape))
        theirs = torch.nn.init.orthogonal_(torch.empty(shape))
        torch.manual_seed(7)
        drawn = torch.empty(shape).normal_().reshape(shape[0], -1).numpy().astype(np.float64)
        # Householder QR of an m x n matrix: Q is within m*n ulps times the matrix's condition
        # number of the exact one (Higham, 2nd ed., Thm 19.4 with the perturbation bound of 19.1)
        assert_within(ours, theirs, accumulation_bound(drawn.size, np.linalg.cond(drawn)), f"orthogonal {shape}")


@seeded
@AVX2_RNG
def test_seeded_layers_equal_torch():
    """Default initialisation of whole models draws the same numbers in the same order."""
    def build(lib):
        return lib.nn.Sequential(lib.nn.Linear(10, 20), lib.nn.BatchNorm1d(20), lib.nn.Linear(20, 3),
                                 lib.nn.Embedding(5, 4, padding_idx=2), lib.nn.LayerNorm(4),
                                 lib.nn.Linear(4, 2, bias=False, dtype=lib.float64))
    minigrad.manual_seed(3)
    torch.manual_seed(3)
    ours, theirs = build(minigrad), build(torch)
    for (name, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)
    # and the generator is left in the same state
    np.testing.assert_array_equal(minigrad.rand(4).numpy(), torch.rand(4).numpy())


@seeded
@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_seeded_dropout_mask_equals_torch(p):
    minigrad.manual_seed(11)
    torch.manual_seed(11)
    x = np.arange(1, 61, dtype=np.float32).reshape(3, 20)
    ours = minigrad.nn.functional.dropout(minigrad.tensor(x), p)
    theirs = torch.nn.functional.dropout(torch.tensor(x), p)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(minigrad.nn.Dropout(p)(minigrad.tensor(x)).numpy(),
                                      torch.nn.Dropout(p)(torch.tensor(x)).numpy())

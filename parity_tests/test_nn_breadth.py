"""The nn modules added for issue 15's API breadth against torch.nn: ParameterList/ParameterDict,
the padding layers, Bilinear, RMSNorm, GLU, Softmax2d, MultiheadAttention (and the functional
scaled_dot_product_attention with dropout).

Each layer is built with ``lib.nn`` for ``lib`` in (minigrad, torch); minigrad's module is then given
torch's parameters (:func:`_load_torchs`) and the outputs, the input gradients and every parameter's
gradient are compared on inputs made from the same NumPy arrays, along with state_dict names/shapes,
reprs and the exceptions bad input raises. So these comparisons hold under every torch kernel set.
Only the tests whose purpose is the replay itself (seeded construction bit for bit, seeded dropout
masks) depend on minigrad.random replaying torch's RNG kernels; those that replay a kernel torch's
non-AVX2 builds run differently carry ``_compare.skip_unless_avx2_rng`` (see ``AVX2_INIT``).

Tolerances: float32 atol 1e-5/rtol 1e-4 (forward) and 10x that for gradients, as in
test_nn_modules.py. The attention layers accumulate E <= 8 products per score and S <= 7 weighted
values per output: 8 * eps32 * sum|terms| with |terms| = O(1) stays below 1e-5, and the gradients pass
through three such reductions (a further factor < 10). float64: 1e-10/1e-9.
"""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn  # noqa: F401 - makes minigrad.nn reachable as lib.nn
from _compare import assert_close, numpy_of, skip_unless_avx2_rng

LIBS = (minigrad, torch)
TOL = {"float32": (1e-5, 1e-4), "float64": (1e-10, 1e-9)}
# module construction draws with kaiming_uniform_/xavier_uniform_/uniform_ (a + u * (b - a), one fused
# multiply-add in torch's AVX2 build) and normal_ (float32, >= 16 values: normal_fill_16_AVX2)
AVX2_INIT = skip_unless_avx2_rng("uniform_(a, b) as one fused multiply-add; float32 normal_fill_16_AVX2")


def _load_torchs(ours, theirs):
    """Give minigrad's module ``ours`` torch's module's parameters and buffers, value for value, so that a
    comparison of behaviour does not depend on both libraries drawing the same initial values."""
    ours.load_state_dict({k: minigrad.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})


def _twin(build, dtype="float32"):
    """(minigrad module, torch module) from ``build(lib)``, minigrad holding torch's weights."""
    theirs = build(torch).to(getattr(torch, dtype))
    ours = build(minigrad).to(getattr(minigrad, dtype))
    _load_torchs(ours, theirs)
    return ours, theirs


def _inputs(shapes, dtype, seed=0):
    """Same random inputs for both libraries: (minigrad tensors, torch tensors), all requiring grad."""
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    return ([minigrad.tensor(a, requires_grad=True) for a in arrays],
            [torch.tensor(a, requires_grad=True) for a in arrays])


def _first(out):
    return out[0] if isinstance(out, tuple) else out


def _check(ours, theirs, xs_ours, xs_theirs, dtype, call=lambda m, *xs: m(*xs)):
    """Forward (every returned tensor), then backward of sum(out * w): grads of inputs and parameters."""
    atol, rtol = TOL[dtype]
    out_o, out_t = call(ours, *xs_ours), call(theirs, *xs_theirs)
    outs_o = out_o if isinstance(out_o, tuple) else (out_o,)
    outs_t = out_t if isinstance(out_t, tuple) else (out_t,)
    for k, (a, b) in enumerate(zip(outs_o, outs_t)):
        assert (a is None) == (b is None)
        if b is not None:
            assert_close(a, b, atol, rtol, f"output {k}")
    main_o, main_t = outs_o[0], outs_t[0]
    assert main_o.grad_fn.name() == main_t.grad_fn.name()
    w = np.random.default_rng(1).standard_normal(tuple(main_t.shape)).astype(dtype)
    (main_o * minigrad.tensor(w)).sum().backward()
    (main_t * torch.tensor(w)).sum().backward()
    for k, (a, b) in enumerate(zip(xs_ours, xs_theirs)):
        if b.grad is None:
            assert a.grad is None, f"input {k}"
        else:
            assert_close(a.grad, b.grad, atol * 10, rtol * 10, f"grad of input {k}")
    params_t = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        if params_t[name].grad is None:
            assert p.grad is None, name
        else:
            assert_close(p.grad, params_t[name].grad, atol * 10, rtol * 10, f"grad of {name}")


# --- one-input layers ------------------------------------------------------------------------------
PAD_CASES = {
    "zeropad1d": (lambda lib: lib.nn.ZeroPad1d(2), (2, 3, 4)),
    "zeropad1d_tuple": (lambda lib: lib.nn.ZeroPad1d((1, -1)), (3, 4)),
    "zeropad2d": (lambda lib: lib.nn.ZeroPad2d((1, 2, 0, 3)), (2, 3, 4, 5)),
    "zeropad3d": (lambda lib: lib.nn.ZeroPad3d(1), (1, 2, 2, 3, 2)),
    "constantpad1d": (lambda lib: lib.nn.ConstantPad1d((3, 1), -1.5), (2, 4)),
    "constantpad2d": (lambda lib: lib.nn.ConstantPad2d(2, 3.5), (2, 3, 4)),
    "constantpad3d": (lambda lib: lib.nn.ConstantPad3d((1, 0, 2, 1, 0, 1), 2.0), (2, 1, 2, 3, 2)),
    "reflectionpad1d": (lambda lib: lib.nn.ReflectionPad1d((2, 3)), (2, 3, 5)),
    "reflectionpad1d_2d_input": (lambda lib: lib.nn.ReflectionPad1d(1), (3, 4)),
    "reflectionpad2d": (lambda lib: lib.nn.ReflectionPad2d((1, 2, 3, 0)), (1, 2, 4, 5)),
    "reflectionpad3d": (lambda lib: lib.nn.ReflectionPad3d(1), (1, 2, 3, 3, 3)),
    "replicationpad1d": (lambda lib: lib.nn.ReplicationPad1d((4, 1)), (2, 3, 3)),
    "replicationpad2d": (lambda lib: lib.nn.ReplicationPad2d(2), (2, 3, 4)),
    "replicationpad3d": (lambda lib: lib.nn.ReplicationPad3d((1, 2, 0, 1, 2, 0)), (1, 2, 3, 2, 2)),
    "circularpad1d": (lambda lib: lib.nn.CircularPad1d((2, 1)), (2, 3, 4)),
    "circularpad2d": (lambda lib: lib.nn.CircularPad2d((1, 2, 2, 1)), (1, 2, 3, 4)),
    "circularpad3d": (lambda lib: lib.nn.CircularPad3d(1), (1, 2, 2, 3, 2)),
}
LAYER_CASES = {
    **PAD_CASES,
    "glu": (lambda lib: lib.nn.GLU(), (3, 4)),
    "glu_dim": (lambda lib: lib.nn.GLU(dim=1), (2, 6, 3)),
    "softmax2d": (lambda lib: lib.nn.Softmax2d(), (2, 3, 4, 5)),
    "softmax2d_3d": (lambda lib: lib.nn.Softmax2d(), (3, 4, 5)),
    "rmsnorm": (lambda lib: lib.nn.RMSNorm(5), (4, 5)),
    "rmsnorm_2d_shape": (lambda lib: lib.nn.RMSNorm([3, 5], eps=1e-3), (2, 3, 5)),
    "rmsnorm_no_affine": (lambda lib: lib.nn.RMSNorm(5, elementwise_affine=False), (2, 4, 5)),
    "channel_shuffle": (lambda lib: lib.nn.ChannelShuffle(2), (2, 4, 3, 2)),
    "local_response_norm": (lambda lib: lib.nn.LocalResponseNorm(3, alpha=0.5, beta=0.7, k=1.5), (2, 5, 3, 2)),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(LAYER_CASES))
def test_layer_matches_torch(name, dtype):
    build, shape = LAYER_CASES[name]
    ours, theirs = _twin(build, dtype)
    xs_o, xs_t = _inputs([shape], dtype)
    _check(ours, theirs, xs_o, xs_t, dtype)


# --- Bilinear --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("lead", [(4,), (2, 3), ()])
def test_bilinear_matches_torch(lead, bias, dtype):
    ours, theirs = _twin(lambda lib: lib.nn.Bilinear(3, 5, 4, bias=bias), dtype)
    xs_o, xs_t = _inputs([lead + (3,), lead + (5,)], dtype)
    _check(ours, theirs, xs_o, xs_t, dtype)


# --- MultiheadAttention ----------------------------------------------------------------------------
def _bool_mask(shape, seed, keep_first=True):
    """A random boolean mask (True = do not attend); column 0 stays False so no row is fully masked."""
    m = np.random.default_rng(seed).random(shape) < 0.4
    if keep_first:
        m[..., 0] = False
    return m


KPM = _bool_mask((2, 5), 3)  # (N, S)
ATTN = _bool_mask((4, 5), 4)  # (L, S)
ATTN_FLOAT = np.random.default_rng(5).standard_normal((4, 5))
ATTN_3D = _bool_mask((2 * 2, 4, 5), 6)
CAUSAL = np.triu(np.ones((4, 4), dtype=bool), 1)

# name: (constructor kwargs, (query, key, value) shapes (None = the query itself), forward kwargs)
MHA_CASES = {
    "self": ({}, ((4, 2, 8), None, None), {}),
    "self_no_weights": ({}, ((4, 2, 8), None, None), {"need_weights": False}),
    "self_per_head_weights": ({}, ((4, 2, 8), None, None), {"average_attn_weights": False}),
    "cross": ({}, ((4, 2, 8), (5, 2, 8), (5, 2, 8)), {}),
    "cross_shared_kv": ({}, ((4, 2, 8), (5, 2, 8), "key"), {}),
    "cross_no_weights": ({}, ((4, 2, 8), (5, 2, 8), (5, 2, 8)), {"need_weights": False}),
    "batch_first": ({"batch_first": True}, ((2, 4, 8), None, None), {}),
    "batch_first_cross": ({"batch_first": True}, ((2, 4, 8), (2, 5, 8), (2, 5, 8)), {"need_weights": False}),
    "unbatched": ({}, ((4, 8), (5, 8), (5, 8)), {}),
    "unbatched_no_weights": ({}, ((4, 8), (5, 8), (5, 8)), {"need_weights": False}),
    "kdim_vdim": ({"kdim": 3, "vdim": 6}, ((4, 2, 8), (5, 2, 3), (5, 2, 6)), {}),
    "kdim_vdim_no_weights": ({"kdim": 3, "vdim": 6}, ((4, 2, 8), (5, 2, 3), (5, 2, 6)), {"need_weights": False}),
    "no_bias": ({"bias": False}, ((4, 2, 8), (5, 2, 8), (5, 2, 8)), {}),
    "one_head": ({"num_heads": 1}, ((4, 2, 8), None, None), {}),
    "bias_kv": ({"add_bias_kv": True}, ((4, 2, 8), (5, 2, 8), (5, 2, 8)), {"key_padding_mask": KPM,
                                                                            "attn_mask": ATTN}),
    "zero_attn": ({"add_zero_attn": True}, ((4, 2, 8), (5, 2, 8), (5, 2, 8)), {"key_padding_mask": KPM}),
    "bias_kv_zero_attn": ({"add_bias_kv": True, "add_zero_attn": True}, ((4, 2, 8), (5, 2, 8), (5, 2, 8)),
                          {"need_weights": False}),
    "key_padding_mask": ({}, ((4, 2, 8), (5, 2, 8), (5, 2, 8)), {"key_padding_mask": KPM}),
    "key_padding_mask_no_weights": ({}, ((4, 2, 8), (5, 2, 8), (5, 2, 8)),
                                    {"key_padding_mask": KPM, "need_weights": False}),
    "attn_mask_bool": ({}, ((4, 2, 8), (5, 2, 8), (5, 2, 8)), {"attn_mask": ATTN}),
    "attn_mask_float": ({}, ((4, 2, 8), (5, 2, 8), (5, 2, 8)), {"attn_mask": ATTN_FLOAT}),
    "attn_mask_float_no_weights": ({}, ((4, 2, 8), (5, 2, 8), (5, 2, 8)),
                                   {"attn_mask": ATTN_FLOAT, "need_weights": False}),
    "attn_mask_3d": ({}, ((4, 2, 8), (5, 2, 8), (5, 2, 8)), {"attn_mask": ATTN_3D}),
    "attn_mask_3d_no_weights": ({}, ((4, 2, 8), (5, 2, 8), (5, 2, 8)), {"attn_mask": ATTN_3D,
                                                                         "need_weights": False}),
    "both_masks": ({}, ((4, 2, 8), (5, 2, 8), (5, 2, 8)), {"attn_mask": ATTN, "key_padding_mask": KPM,
                                                           "need_weights": False}),
    "causal": ({}, ((4, 2, 8), None, None), {"attn_mask": CAUSAL, "is_causal": True}),
    "causal_no_weights": ({}, ((4, 2, 8), None, None), {"attn_mask": CAUSAL, "is_causal": True,
                                                        "need_weights": False}),
    "eval_dropout": ({"dropout": 0.5}, ((4, 2, 8), None, None), {}),
}


def _mha_call(kwargs, dtype):
    """Call the module on its inputs, masks made per library (float masks in the inputs' dtype)."""
    def call(module, *xs):
        lib = minigrad if isinstance(module, minigrad.nn.Module) else torch
        kw = {k: lib.tensor(v if v.dtype == bool else v.astype(dtype)) if isinstance(v, np.ndarray) else v
              for k, v in kwargs.items()}
        return module(*xs, **kw)
    return call


def _mha_inputs(shapes, dtype):
    q_shape, k_shape, v_shape = shapes
    xs_o, xs_t = _inputs([s for s in shapes if isinstance(s, tuple)], dtype)
    if k_shape is None:  # self-attention: one tensor is query, key and value
        return xs_o * 3, xs_t * 3
    if v_shape == "key":
        return xs_o + xs_o[1:], xs_t + xs_t[1:]
    return xs_o, xs_t


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(MHA_CASES))
def test_multihead_attention_matches_torch(name, dtype):
    ctor, shapes, kwargs = MHA_CASES[name]
    ctor = {"embed_dim": 8, "num_heads": 2, **ctor}
    ours, theirs = _twin(lambda lib: lib.nn.MultiheadAttention(**ctor), dtype)
    if name.startswith("eval"):
        ours.eval(), theirs.eval()
    xs_o, xs_t = _mha_inputs(shapes, dtype)
    _check(ours, theirs, xs_o[:1] if shapes[1] is None else xs_o, xs_t[:1] if shapes[1] is None else xs_t, dtype,
           call=lambda m, *xs: _mha_call(kwargs, dtype)(m, *(xs * 3 if len(xs) == 1 else xs)))


@pytest.mark.parametrize("kwargs", [{}, {"need_weights": False}, {"key_padding_mask": KPM[:, :4]},
                                    {"attn_mask": CAUSAL},
                                    {"key_padding_mask": KPM[:, :4], "need_weights": False}])
def test_multihead_attention_inference_matches_torchs_fast_path(kwargs):
    """eval + no_grad + batch_first self-attention: torch runs its fused kernel; minigrad's general path
    gives the same values."""
    ours, theirs = _twin(lambda lib: lib.nn.MultiheadAttention(8, 2, batch_first=True).eval())
    x = np.random.default_rng(3).standard_normal((2, 4, 8)).astype("float32")
    results = []
    for lib, module in ((minigrad, ours), (torch, theirs)):
        with lib.no_grad():
            t = lib.tensor(x)
            results.append(module(t, t, t, **{k: lib.tensor(v) for k, v in kwargs.items() if k.endswith("mask")},
                                  **{k: v for k, v in kwargs.items() if not k.endswith("mask")}))
    for a, b in zip(*results):
        assert (a is None) == (b is None)
        if b is not None:
            assert_close(a, b, 1e-5, 1e-4, "output")


@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention_dropout_draws_torchs_mask(need_weights):
    """In training the attention weights are dropped with torch's seeded Bernoulli draws."""
    ours, theirs = _twin(lambda lib: lib.nn.MultiheadAttention(8, 2, dropout=0.4))
    xs_o, xs_t = _inputs([(4, 2, 8)], "float32")
    for seed in (0, 1):
        minigrad.manual_seed(seed)
        torch.manual_seed(seed)
        out_o, w_o = ours(xs_o[0], xs_o[0], xs_o[0], need_weights=need_weights)
        out_t, w_t = theirs(xs_t[0], xs_t[0], xs_t[0], need_weights=need_weights)
        assert_close(out_o, out_t, 1e-5, 1e-4, "output")
        if need_weights:
            assert_close(w_o, w_t, 1e-6, 1e-5, "weights")


def test_scaled_dot_product_attention_dropout_draws_torchs_mask():
    xs_o, xs_t = _inputs([(2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5)], "float64")
    minigrad.manual_seed(3)
    torch.manual_seed(3)
    out_o = minigrad.nn.functional.scaled_dot_product_attention(*xs_o, dropout_p=0.3)
    out_t = torch.nn.functional.scaled_dot_product_attention(*xs_t, dropout_p=0.3)
    assert out_o.grad_fn.name() == out_t.grad_fn.name()
    assert_close(out_o, out_t, 1e-12, 1e-10, "output")


def test_flash_attention_double_backward_is_consistent():
    """torch's flash node has no double backward; minigrad's (Tensor ops) must agree with finite
    differences."""
    rng = np.random.default_rng(7)
    q, k, v = (minigrad.tensor(rng.standard_normal(s), requires_grad=True)
               for s in ((1, 2, 3, 4), (1, 2, 5, 4), (1, 2, 5, 4)))
    mask = minigrad.tensor(rng.random((3, 5)) < 0.7)

    def fn(q, k, v):
        out = minigrad.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        assert out.grad_fn.name() == "ScaledDotProductFlashAttentionForCpuBackward0"
        return out
    assert minigrad.autograd.gradgradcheck(fn, (q, k, v), eps=1e-6, atol=1e-5, rtol=1e-3)


# --- loss modules ---------------------------------------------------------------------------------
_R = np.random.default_rng(9)
_SIGNS = np.where(_R.random((4, 5)) < 0.5, -1.0, 1.0).astype("float32")
_SCORES = (_R.integers(-6, 6, (4, 5)) * 0.25 + 0.125 + np.arange(5) * 0.01).astype("float32")  # off the kinks

# name: (build(lib), [input arrays], [differentiable?])
LOSS_CASES = {
    "margin_ranking": (lambda lib: lib.nn.MarginRankingLoss(margin=0.2),
                       [_R.standard_normal(6), _R.standard_normal(6), _SIGNS[0, :1].repeat(6)], [True, True, False]),
    "hinge_embedding": (lambda lib: lib.nn.HingeEmbeddingLoss(margin=2.0, reduction="sum"),
                        [_R.standard_normal((4, 5)), _SIGNS], [True, False]),
    "soft_margin": (lambda lib: lib.nn.SoftMarginLoss(), [_R.standard_normal((4, 5)), _SIGNS], [True, False]),
    "multilabel_soft_margin": (lambda lib: lib.nn.MultiLabelSoftMarginLoss(weight=lib.arange(1.0, 6.0)),
                               [_R.standard_normal((4, 5)), (_R.random((4, 5)) < 0.5) * 1.0], [True, False]),
    "multi_margin": (lambda lib: lib.nn.MultiMarginLoss(p=2, margin=0.5, weight=lib.tensor([1.0, 2, 3, 4, 5])),
                     [_SCORES, np.array([0, 4, 2, 2])], [True, False]),
    "multi_margin_none": (lambda lib: lib.nn.MultiMarginLoss(reduction="none"), [_SCORES, np.array([1, 0, 3, 4])],
                          [True, False]),
    "multi_margin_1d_none": (lambda lib: lib.nn.MultiMarginLoss(reduction="none"), [_SCORES[1], np.array([2])],
                             [True, False]),
    "multi_margin_1d_scalar_target": (lambda lib: lib.nn.MultiMarginLoss(p=2), [_SCORES[2], np.array(3)],
                                      [True, False]),
    "multilabel_margin": (lambda lib: lib.nn.MultiLabelMarginLoss(),
                          [_SCORES, np.array([[3, 0, -1, 1, 2], [1, 1, 4, -1, -1], [-1, 2, 3, 0, 0], [0, 1, 2, 3, 4]])],
                          [True, False]),
    "multilabel_margin_1d_none": (lambda lib: lib.nn.MultiLabelMarginLoss(reduction="none"),
                                  [_SCORES[0], np.array([4, 2, -1, 0, 0])], [True, False]),
    "triplet_margin": (lambda lib: lib.nn.TripletMarginLoss(margin=0.5, p=1.0, swap=True),
                       [_R.standard_normal((4, 5)) for _ in range(3)], [True] * 3),
    "triplet_margin_with_distance": (lambda lib: lib.nn.TripletMarginWithDistanceLoss(reduction="none"),
                                     [_R.standard_normal((4, 5)) for _ in range(3)], [True] * 3),
    "triplet_margin_cosine": (lambda lib: lib.nn.TripletMarginWithDistanceLoss(
        distance_function=lib.nn.CosineSimilarity(), margin=0.3), [_R.standard_normal((4, 5)) for _ in range(3)],
        [True] * 3),
    "poisson_nll": (lambda lib: lib.nn.PoissonNLLLoss(full=True), [_R.standard_normal((4, 5)),
                                                                   _R.integers(0, 6, (4, 5))], [True, False]),
    "poisson_nll_rate": (lambda lib: lib.nn.PoissonNLLLoss(log_input=False, reduction="sum"),
                         [_R.uniform(0.5, 2, (4, 5)), _R.integers(0, 6, (4, 5))], [True, False]),
    "gaussian_nll": (lambda lib: lib.nn.GaussianNLLLoss(full=True),
                     [_R.standard_normal((4, 5)), _R.standard_normal((4, 5)), _R.uniform(0.5, 2, (4, 1))],
                     [True, True, True]),
    "gaussian_nll_homoscedastic": (lambda lib: lib.nn.GaussianNLLLoss(reduction="none"),
                                   [_R.standard_normal((4, 5)), _R.standard_normal((4, 5)), _R.uniform(0.5, 2, 4)],
                                   [True, False, True]),
    "ctc": (lambda lib: lib.nn.CTCLoss(blank=4), [_R.standard_normal((6, 2, 5)), np.array([[1, 2, 2], [3, 0, 0]]),
                                                    np.array([6, 4]), np.array([3, 1])], [True, False, False, False]),
    "ctc_sum_zero_infinity": (lambda lib: lib.nn.CTCLoss(reduction="sum", zero_infinity=True),
                              [_R.standard_normal((4, 2, 3)), np.array([1, 2, 1, 2, 1, 1]), np.array([4, 2]),
                               np.array([3, 3])], [True, False, False, False]),
    "linear_cross_entropy": (lambda lib: lib.nn.LinearCrossEntropyLoss(5, 4, bias=True, label_smoothing=0.1,
                                                                        weight=lib.tensor([1.0, 2, 3, 4])),
                             [_R.standard_normal((3, 5)), np.array([0, 3, 1])], [True, False]),
    "linear_cross_entropy_k_dim": (lambda lib: lib.nn.LinearCrossEntropyLoss(5, 4, out_features=(2,),
                                                                              reduction="none", ignore_index=2),
                                   [_R.standard_normal((3, 5)), np.array([[0, 3], [2, 1], [1, 1]])], [True, False]),
    "pairwise_distance": (lambda lib: lib.nn.PairwiseDistance(p=3.0, keepdim=True),
                          [_R.standard_normal((4, 5)), _R.standard_normal(5)], [True, True]),
    "cosine_similarity": (lambda lib: lib.nn.CosineSimilarity(dim=0, eps=1e-6),
                          [_R.standard_normal((4, 5)), _R.standard_normal((4, 1))], [True, True]),
}


def _loss_inputs(lib, arrays, differentiable, dtype):
    tensors = []
    for a, d in zip(arrays, differentiable):
        a = np.asarray(a)
        if a.dtype.kind == "f":
            a = a.astype(dtype)
        tensors.append(lib.tensor(a, requires_grad=d))
    return tensors


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(LOSS_CASES))
def test_loss_module_matches_torch(name, dtype):
    build, arrays, differentiable = LOSS_CASES[name]
    ours, theirs = _twin(build, dtype)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    _check(ours, theirs, _loss_inputs(minigrad, arrays, differentiable, dtype),
           _loss_inputs(torch, arrays, differentiable, dtype), dtype)


# --- Transformer ------------------------------------------------------------------------------------
def _small(cls, **kw):
    defaults = {"Transformer": dict(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=2,
                                    dim_feedforward=16),
                "TransformerEncoderLayer": dict(d_model=8, nhead=2, dim_feedforward=16),
                "TransformerDecoderLayer": dict(d_model=8, nhead=2, dim_feedforward=16)}[cls]
    return lambda lib: getattr(lib.nn, cls)(**{**defaults, **kw})


def _encoder(layer_kw=None, **kw):
    return lambda lib: lib.nn.TransformerEncoder(_small("TransformerEncoderLayer", **(layer_kw or {}))(lib), 2,
                                                 norm=lib.nn.LayerNorm(8), **kw)


def _decoder(**layer_kw):
    return lambda lib: lib.nn.TransformerDecoder(_small("TransformerDecoderLayer", **layer_kw)(lib), 2)


SRC_MASK = np.triu(np.full((5, 5), -np.inf), 1)
TRANSFORMER_CASES = {
    # name: (build, input shapes, forward kwargs)
    "encoder_layer": (_small("TransformerEncoderLayer", dropout=0.0), [(5, 2, 8)], {}),
    "encoder_layer_gelu_norm_first": (_small("TransformerEncoderLayer", dropout=0.0, activation="gelu",
                                             norm_first=True), [(5, 2, 8)], {"src_key_padding_mask": KPM}),
    "encoder_layer_batch_first_mask": (_small("TransformerEncoderLayer", dropout=0.0, batch_first=True),
                                       [(2, 5, 8)], {"src_mask": SRC_MASK, "is_causal": True}),
    "encoder_layer_module_activation": (_small("TransformerEncoderLayer", dropout=0.0,
                                               activation=None), [(5, 8)], {}),
    "decoder_layer": (_small("TransformerDecoderLayer", dropout=0.0), [(4, 2, 8), (5, 2, 8)],
                      {"tgt_mask": SRC_MASK[:4, :4], "memory_key_padding_mask": KPM}),
    "decoder_layer_norm_first_no_bias": (_small("TransformerDecoderLayer", dropout=0.0, norm_first=True, bias=False),
                                         [(4, 2, 8), (5, 2, 8)], {}),
    "encoder": (_encoder({"dropout": 0.0}, enable_nested_tensor=False), [(5, 2, 8)], {"mask": SRC_MASK}),
    "decoder": (_decoder(dropout=0.0), [(4, 2, 8), (5, 2, 8)], {"tgt_mask": SRC_MASK[:4, :4]}),
    "transformer": (_small("Transformer", dropout=0.0), [(5, 2, 8), (4, 2, 8)],
                    {"tgt_mask": SRC_MASK[:4, :4], "src_key_padding_mask": KPM}),
    "transformer_batch_first": (_small("Transformer", dropout=0.0, batch_first=True, norm_first=True),
                                [(2, 5, 8), (2, 4, 8)], {"tgt_is_causal": True, "tgt_mask": SRC_MASK[:4, :4]}),
}


def _with_module_activation(build):
    """``activation=None`` in a case stands for a GELU module (a child module, as in torch)."""
    def make(lib):
        module = build(lib)
        if getattr(module, "activation", "") is None:
            module.activation = lib.nn.GELU()
        return module
    return make


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(TRANSFORMER_CASES))
def test_transformer_matches_torch(name, dtype):
    build, shapes, kwargs = TRANSFORMER_CASES[name]
    ours, theirs = _twin(_with_module_activation(build), dtype)
    xs_o, xs_t = _inputs(shapes, dtype)
    # LayerNorm after each block keeps values O(1); the gradient passes ~10 chained reductions of <= 16
    # terms, so float32 gets 10x the attention bound
    atol, rtol = TOL[dtype]
    TOL[dtype] = (atol * 10, rtol * 10) if dtype == "float32" else (atol, rtol)
    try:
        _check(ours, theirs, xs_o, xs_t, dtype, call=_mha_call(kwargs, dtype))
    finally:
        TOL[dtype] = (atol, rtol)


@pytest.mark.parametrize("name", ["encoder_layer", "transformer"])
def test_transformer_dropout_draws_torchs_masks(name):
    """Training with dropout: every dropout (attention weights, blocks, feed-forward) draws torch's masks
    in torch's order."""
    build = {"encoder_layer": _small("TransformerEncoderLayer", dropout=0.3),
             "transformer": _small("Transformer", dropout=0.3)}[name]
    ours, theirs = _twin(build, "float64")
    shapes = [(5, 2, 8)] if name == "encoder_layer" else [(5, 2, 8), (4, 2, 8)]
    xs_o, xs_t = _inputs(shapes, "float64")
    minigrad.manual_seed(5)
    torch.manual_seed(5)
    assert_close(ours(*xs_o), theirs(*xs_t), 1e-10, 1e-9, "output")


def test_transformer_encoder_drops_padded_positions_like_torchs_nested_path():
    """In inference, torch packs padded input into a nested tensor: padded positions come back as zeros
    (then the final norm); a mask that is not left-aligned keeps the regular path."""
    with pytest.warns(UserWarning):
        _encoder({"dropout": 0.0})(torch)  # batch_first=False: torch explains why nesting is off
    ours, theirs = _twin(_encoder({"dropout": 0.0, "batch_first": True}))
    ours.eval(), theirs.eval()
    x = np.random.default_rng(2).standard_normal((2, 5, 8)).astype("float32")
    for kpm in (np.array([[False] * 5, [False] * 3 + [True] * 2]), np.array([[False] * 5, [True] + [False] * 4])):
        with minigrad.no_grad():
            out_o = ours(minigrad.tensor(x), src_key_padding_mask=minigrad.tensor(kpm))
        with torch.no_grad():
            out_t = theirs(torch.tensor(x), src_key_padding_mask=torch.tensor(kpm))
        assert_close(out_o, out_t, 1e-5, 1e-4, "output")


def test_generate_square_subsequent_mask_like_torch():
    for sz, dtype in ((1, None), (4, "float64")):
        ours = minigrad.nn.Transformer.generate_square_subsequent_mask(sz, dtype=dtype and minigrad.float64)
        theirs = torch.nn.Transformer.generate_square_subsequent_mask(sz, dtype=dtype and torch.float64)
        assert_close(ours, theirs, 0, 0, "mask")


# --- random layers: seeded runs draw torch's numbers ---------------------------------------------------
RANDOM_LAYERS = {
    "rrelu_train": (lambda lib: lib.nn.RReLU(), (4, 7)),
    "rrelu_bounds_inplace": (lambda lib: lib.nn.RReLU(0.05, 0.5, inplace=True), (3, 5, 2)),
    "rrelu_eval": (lambda lib: lib.nn.RReLU().eval(), (4, 7)),
    "alpha_dropout": (lambda lib: lib.nn.AlphaDropout(0.3), (5, 6)),
    "alpha_dropout_eval": (lambda lib: lib.nn.AlphaDropout(0.3).eval(), (5, 6)),
    "alpha_dropout_p1": (lambda lib: lib.nn.AlphaDropout(1.0), (5, 6)),
    "feature_alpha_dropout": (lambda lib: lib.nn.FeatureAlphaDropout(0.5), (4, 6, 3)),
    "feature_alpha_dropout_2d": (lambda lib: lib.nn.FeatureAlphaDropout(0.2), (6, 3)),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(RANDOM_LAYERS))
def test_random_layer_draws_like_torch(name, dtype):
    """Same seed, same draws: outputs and gradients equal torch's exactly (the same float operations in the
    same order), and the generator ends in the same state."""
    build, shape = RANDOM_LAYERS[name]
    x = np.random.default_rng(6).standard_normal(shape).astype(dtype)
    results = []
    for lib in LIBS:
        lib.manual_seed(11)
        leaf = lib.tensor(x, requires_grad=True)
        out = build(lib)(leaf * 1)
        (out * lib.arange(float(out.numel())).reshape(out.shape).to(out.dtype)).sum().backward()
        results.append((out.detach().numpy(), leaf.grad.numpy(), out.grad_fn.name(), lib.rand(2).numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


def test_gumbel_softmax_draws_like_torch():
    x = np.random.default_rng(7).standard_normal((4, 6))
    for kwargs in ({}, {"tau": 0.3, "hard": True}):
        outs = []
        for lib in LIBS:
            lib.manual_seed(12)
            outs.append(lib.nn.functional.gumbel_softmax(lib.tensor(x), **kwargs).numpy())
        np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12, atol=1e-15)  # softmax: a few ulps


# --- EmbeddingBag -------------------------------------------------------------------------------------
BAG_INDICES = np.array([1, 2, 4, 5, 4, 3, 2, 0, 5])
EMBEDDING_BAG_CASES = {
    # name: (build, (input, offsets, per_sample_weights) as arrays or None)
    "mean": (lambda lib: lib.nn.EmbeddingBag(6, 3), (BAG_INDICES, np.array([0, 2, 2, 5]), None)),
    "sum_2d": (lambda lib: lib.nn.EmbeddingBag(6, 3, mode="sum"), (BAG_INDICES.reshape(3, 3), None, None)),
    "max_padding": (lambda lib: lib.nn.EmbeddingBag(6, 3, mode="max", padding_idx=4),
                    (BAG_INDICES, np.array([0, 4, 8]), None)),
    "sum_weighted_last_offset": (lambda lib: lib.nn.EmbeddingBag(6, 3, mode="sum", include_last_offset=True),
                                 (BAG_INDICES, np.array([0, 3, 9]), np.linspace(-1, 1, 9))),
    "mean_padding_int32": (lambda lib: lib.nn.EmbeddingBag(6, 3, padding_idx=-1),
                           (BAG_INDICES.astype(np.int32), np.array([0, 1, 6], dtype=np.int32), None)),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(EMBEDDING_BAG_CASES))
def test_embedding_bag_matches_torch(name, dtype):
    build, (indices, offsets, weights) = EMBEDDING_BAG_CASES[name]
    ours, theirs = _twin(build, dtype)

    def call(module, *_):
        lib = minigrad if isinstance(module, minigrad.nn.Module) else torch
        psw = None if weights is None else lib.tensor(weights.astype(dtype))
        return module(lib.tensor(indices), None if offsets is None else lib.tensor(offsets), psw)
    _check(ours, theirs, [], [], dtype, call=call)


def test_embedding_bag_from_pretrained_and_max_norm():
    table = np.random.default_rng(8).standard_normal((5, 4)).astype("float32") * 3
    outs = []
    for lib in LIBS:
        bag = lib.nn.EmbeddingBag.from_pretrained(lib.tensor(table), mode="sum", max_norm=1.5)
        out = bag(lib.tensor([[0, 1], [1, 4]]))
        outs.append((out.numpy(), bag.weight.numpy(), bag.weight.requires_grad))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-5, atol=1e-6)  # renormed in place
    assert outs[0][2] is outs[1][2] is False


# --- AdaptiveLogSoftmaxWithLoss ------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("target", [[0, 3, 11, 7, 2, 14], [1, 2, 0, 3, 1, 0], 12])
def test_adaptive_log_softmax_matches_torch(target, dtype):
    ours, theirs = _twin(lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 15, [4, 10], div_value=2.0,
                                                                        head_bias=True), dtype)
    t = np.array(target)
    xs_o, xs_t = _inputs([(6, 8) if t.ndim else (8,)], dtype)
    lib_of = {id(ours): minigrad, id(theirs): torch}
    _check(ours, theirs, xs_o, xs_t, dtype, call=lambda m, x: tuple(m(x, lib_of[id(m)].tensor(t))))
    (lp_o, pred_o), (lp_t, pred_t) = [(m.log_prob(x.reshape(-1, 8)), m.predict(x.reshape(-1, 8)))
                                      for m, x in ((ours, xs_o[0]), (theirs, xs_t[0]))]
    assert_close(lp_o, lp_t, *TOL[dtype], "log_prob")
    np.testing.assert_array_equal(pred_o.numpy(), pred_t.numpy())


# --- seeded construction: bit-identical parameters, same names and shapes ---------------------------
INIT_CASES = {
    "bilinear": lambda lib: lib.nn.Bilinear(3, 5, 4),
    "bilinear_no_bias": lambda lib: lib.nn.Bilinear(2, 2, 3, bias=False),
    "rmsnorm": lambda lib: lib.nn.RMSNorm([2, 3]),
    "rmsnorm_no_affine": lambda lib: lib.nn.RMSNorm(3, elementwise_affine=False),
    "mha": lambda lib: lib.nn.MultiheadAttention(8, 2),
    "mha_no_bias": lambda lib: lib.nn.MultiheadAttention(6, 3, bias=False),
    "mha_kdim_vdim": lambda lib: lib.nn.MultiheadAttention(8, 4, kdim=3, vdim=5),
    "mha_bias_kv": lambda lib: lib.nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True),
    "mha_float64": lambda lib: lib.nn.MultiheadAttention(4, 1, dtype=lib.float64),
    "embedding_bag": lambda lib: lib.nn.EmbeddingBag(10, 4, padding_idx=3),
    "transformer": _small("Transformer", num_decoder_layers=1),
    "transformer_no_bias": _small("Transformer", bias=False, norm_first=True),
    "encoder_layer": _small("TransformerEncoderLayer", dim_feedforward=6),
    "decoder": _decoder(),
    "embedding_bag": lambda lib: lib.nn.EmbeddingBag(7, 3, mode="max", padding_idx=-2),
    "adaptive_log_softmax": lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(16, 30, [5, 12, 20], div_value=3.0),
    "model": lambda lib: lib.nn.Sequential(lib.nn.ZeroPad1d(1), lib.nn.RMSNorm(6), lib.nn.Linear(6, 4),
                                           lib.nn.GLU()),
}


@pytest.mark.parametrize("name", list(INIT_CASES))
def test_init_state_dict_like_torch(name):
    """Names, shapes and dtypes of the state_dict and the parameters (any kernel set)."""
    ours, theirs = INIT_CASES[name](minigrad), INIT_CASES[name](torch)
    sd_o, sd_t = ours.state_dict(), theirs.state_dict()
    assert list(sd_o) == list(sd_t)
    for key in sd_t:
        assert tuple(sd_o[key].shape) == tuple(sd_t[key].shape), key
        assert repr(sd_o[key].dtype) == repr(sd_t[key].dtype), key
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


@AVX2_INIT
@pytest.mark.parametrize("name", list(INIT_CASES))
def test_seeded_init_bit_identical(name):
    minigrad.manual_seed(2024)
    torch.manual_seed(2024)
    ours, theirs = INIT_CASES[name](minigrad), INIT_CASES[name](torch)
    sd_o, sd_t = ours.state_dict(), theirs.state_dict()
    for key in sd_t:
        np.testing.assert_array_equal(numpy_of(sd_o[key]), numpy_of(sd_t[key]), err_msg=key)
    # the generator is left in the same state: the next draw agrees too
    np.testing.assert_array_equal(minigrad.rand(3).numpy(), torch.rand(3).numpy())


# --- reprs -----------------------------------------------------------------------------------------
REPRS = {
    **{name: build for name, (build, _) in LAYER_CASES.items()},
    "bilinear": lambda lib: lib.nn.Bilinear(2, 3, 4, bias=False),
    "mha": lambda lib: lib.nn.MultiheadAttention(4, 2, kdim=3, batch_first=True),
    "pads": lambda lib: lib.nn.Sequential(lib.nn.ZeroPad2d((1, 2, 3, 4)), lib.nn.ConstantPad2d([1, 2, 3, 4], 0),
                                          lib.nn.ReflectionPad1d([1, 2]), lib.nn.GLU(0), lib.nn.Softmax2d()),
    "parameter_list": lambda lib: lib.nn.ParameterList([lib.ones(2, 3), lib.nn.Parameter(lib.zeros(4)), "text",
                                                        lib.ones(1, dtype=lib.float64)]),
    "parameter_dict": lambda lib: lib.nn.ParameterDict({"b": lib.ones(2), "a": lib.zeros(3, 1), "c": 3}),
    **{f"loss_{name}": build for name, (build, _, _) in LOSS_CASES.items()},
    "losses": lambda lib: lib.nn.ModuleList([lib.nn.MarginRankingLoss(), lib.nn.HingeEmbeddingLoss(),
                                             lib.nn.MultiMarginLoss(weight=lib.ones(3)), lib.nn.GaussianNLLLoss(),
                                             lib.nn.TripletMarginLoss(), lib.nn.PairwiseDistance()]),
    "transformer": _small("Transformer", num_decoder_layers=1, activation="gelu"),
    "encoder": _encoder({"batch_first": True}),
    "decoder_layer": _small("TransformerDecoderLayer", bias=False),
    **{f"random_{name}": build for name, (build, _) in RANDOM_LAYERS.items()},
    **{f"embedding_bag_{name}": build for name, (build, _) in EMBEDDING_BAG_CASES.items()},
    "embedding_bag_options": lambda lib: lib.nn.EmbeddingBag(4, 2, max_norm=1.0, norm_type=1.0,
                                                             scale_grad_by_freq=True, sparse=True),
    "adaptive_log_softmax": lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(16, 30, [5, 12], head_bias=True),
    "empty_containers": lambda lib: lib.nn.Sequential(lib.nn.ParameterList(), lib.nn.ParameterDict()),
}


@pytest.mark.parametrize("name", list(REPRS))
def test_repr_like_torch(name):
    assert repr(REPRS[name](minigrad)) == repr(REPRS[name](torch))


# --- ParameterList / ParameterDict -----------------------------------------------------------------
def _parameter_list_answers(lib):
    """What a script sees when it uses a ParameterList (values as NumPy, names, types)."""
    t = lib.tensor
    pl = lib.nn.ParameterList([t([1.0, 2.0]), lib.nn.Parameter(t([3.0]))])
    answers = {"types": [type(p).__name__ for p in pl], "len": len(pl)}
    pl.append(t([[4.0]]))
    pl.extend([t([5.0]), "not a tensor", 7])
    pl += [t([6.0])]
    pl[1] = t([30.0, 31.0])
    answers["names"] = [n for n, _ in pl.named_parameters()]
    answers["state_dict"] = {k: v.tolist() for k, v in pl.state_dict().items()}
    answers["values"] = [p.tolist() if hasattr(p, "tolist") else p for p in pl]
    answers["negative"] = pl[-1].tolist()
    answers["slice"] = [p.tolist() for p in pl[1:4:2]]
    answers["slice_type"] = type(pl[::2]).__name__
    answers["dir_digits"] = [k for k in dir(pl) if k.isdigit()]
    answers["requires_grad"] = [p.requires_grad for p in pl.parameters()]
    model = lib.nn.Module()
    model.weights = pl
    answers["model_names"] = [n for n, _ in model.named_parameters()]
    answers["copy_len"] = len(pickle.loads(pickle.dumps(lib.nn.ParameterList([t([1.0])]))))
    return answers


def _parameter_dict_answers(lib):
    t = lib.tensor
    pd = lib.nn.ParameterDict({"b": t([1.0]), "a": t([2.0])})  # a plain dict: sorted keys
    answers = {"keys": list(pd), "types": [type(v).__name__ for v in pd.values()]}
    pd.update([("z", t([3.0])), ("c", "text")])  # pairs: in their order
    pd.update(OrderedDict([("y", t([4.0])), ("x", t([5.0]))]))
    pd["w"] = lib.nn.Parameter(t([6.0]))
    answers["after_update"] = list(pd.keys())
    answers["names"] = [n for n, _ in pd.named_parameters()]
    answers["state_dict"] = {k: v.tolist() for k, v in pd.state_dict().items()}
    answers["contains"] = ("a" in pd, "q" in pd)
    answers["get"] = (pd.get("q", 9), pd.get("a").tolist())
    answers["setdefault"] = pd.setdefault("v", t([7.0])).tolist()
    answers["pop"] = pd.pop("b").tolist()
    answers["popitem"] = pd.popitem()[0]
    answers["reversed"] = list(reversed(pd))
    answers["copy"] = list(pd.copy())
    answers["fromkeys"] = list(pd.fromkeys(["m", "n"], t([0.0])).keys())
    merged = pd | lib.nn.ParameterDict(OrderedDict([("n", t([1.0]))]))
    answers["or"] = list(merged.keys())
    answers["ror"] = list((lib.nn.ParameterDict(OrderedDict([("n", t([1.0]))])) | pd).keys())
    pd |= {"m": t([2.0])}
    answers["ior"] = list(pd.keys())
    del pd["m"]
    answers["len_after_del"] = len(pd)
    pd.clear()
    answers["cleared"] = (len(pd), [n for n, _ in pd.named_parameters()])
    return answers


def test_parameter_list_like_torch():
    assert _parameter_list_answers(minigrad) == _parameter_list_answers(torch)


def test_parameter_dict_like_torch():
    assert _parameter_dict_answers(minigrad) == _parameter_dict_answers(torch)


def test_parameter_containers_train_with_an_optimizer():
    """The wrapped Parameters are the ones the optimizer updates, and their gradients match torch's."""
    rng = np.random.default_rng(0)
    weight, bias = rng.standard_normal((3, 2)).astype("float32"), rng.standard_normal(2).astype("float32")

    def run(lib):
        pl = lib.nn.ParameterList([lib.tensor(weight), lib.tensor(bias)])
        pd = lib.nn.ParameterDict({"scale": lib.ones(2)})
        model = lib.nn.Module()
        model.pl, model.pd = pl, pd
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        x = lib.arange(6.0).reshape(2, 3)
        loss = ((x @ pl[0] + pl[1]) * pd["scale"]).square().mean()
        loss.backward()
        opt.step()
        return [p.detach().numpy() for p in model.parameters()]
    for a, b in zip(run(minigrad), run(torch)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


# --- bad input: torch's exception type and message --------------------------------------------------
def _mha(lib, **kw):
    return lib.nn.MultiheadAttention(4, 2, **kw)


ERRORS = {
    "parameter_list_call": lambda lib: lib.nn.ParameterList()(lib.ones(1)),
    "parameter_list_index": lambda lib: lib.nn.ParameterList([lib.ones(1)])[1],
    "parameter_list_extend_tensor": lambda lib: lib.nn.ParameterList().extend(lib.ones(2)),
    "parameter_list_extend_int": lambda lib: lib.nn.ParameterList().extend(3),
    "parameter_list_int_tensor": lambda lib: lib.nn.ParameterList([lib.ones(2, dtype=lib.int64)]),
    "parameter_dict_call": lambda lib: lib.nn.ParameterDict()(lib.ones(1)),
    "parameter_dict_key_type": lambda lib: lib.nn.ParameterDict()[1],
    "parameter_dict_missing": lambda lib: lib.nn.ParameterDict()["a"],
    "parameter_dict_update_int": lambda lib: lib.nn.ParameterDict().update(3),
    "parameter_dict_update_pair_type": lambda lib: lib.nn.ParameterDict().update([3]),
    "parameter_dict_update_pair_length": lambda lib: lib.nn.ParameterDict().update([("a", lib.ones(1), 2)]),
    "circularpad_dims": lambda lib: lib.nn.CircularPad2d(1)(lib.ones(2, 3)),
    "circularpad1d_dims": lambda lib: lib.nn.CircularPad1d(1)(lib.ones(2, 3, 4, 5)),
    "reflectionpad_too_big": lambda lib: lib.nn.ReflectionPad1d(3)(lib.ones(1, 2, 3)),
    "reflectionpad2d_dims": lambda lib: lib.nn.ReflectionPad2d(1)(lib.ones(3)),
    "constantpad_too_long": lambda lib: lib.nn.ConstantPad3d(1, 0.0)(lib.ones(2, 2)),
    "glu_odd": lambda lib: lib.nn.GLU()(lib.ones(3, 5)),
    "glu_scalar": lambda lib: lib.nn.functional.glu(lib.ones(())),
    "glu_dim_range": lambda lib: lib.nn.GLU(2)(lib.ones(3, 4)),
    "glu_int": lambda lib: lib.nn.functional.glu(lib.ones(2, 4, dtype=lib.int64)),
    "softmax2d_dims": lambda lib: lib.nn.Softmax2d()(lib.ones(3, 4)),
    "rmsnorm_shape": lambda lib: lib.nn.RMSNorm(4)(lib.ones(3, 5)),
    "rms_norm_int_shape": lambda lib: lib.nn.functional.rms_norm(lib.ones(3, 4), 4),
    "rms_norm_weight_shape": lambda lib: lib.nn.functional.rms_norm(lib.ones(3, 4), (4,), lib.ones(3)),
    "rms_norm_2d_shape": lambda lib: lib.nn.functional.rms_norm(lib.ones(3, 4), (2, 4)),
    "bilinear_in1": lambda lib: lib.nn.Bilinear(0, 2, 3),
    "bilinear_dims": lambda lib: lib.nn.Bilinear(2, 3, 4)(lib.ones(5, 2), lib.ones(5, 1, 3)),
    "bilinear_batch": lambda lib: lib.nn.Bilinear(2, 3, 4)(lib.ones(5, 2), lib.ones(4, 3)),
    "bilinear_input1": lambda lib: lib.nn.Bilinear(2, 3, 4)(lib.ones(5, 3), lib.ones(5, 3)),
    "bilinear_input2": lambda lib: lib.nn.Bilinear(2, 3, 4)(lib.ones(5, 2), lib.ones(5, 2)),
    "bilinear_bias": lambda lib: lib.nn.functional.bilinear(lib.ones(5, 2), lib.ones(5, 3), lib.ones(4, 2, 3),
                                                            lib.ones(3)),
    "mha_sizes": lambda lib: lib.nn.MultiheadAttention(0, 2),
    "mha_divisible": lambda lib: lib.nn.MultiheadAttention(5, 2),
    "mha_query_dims": lambda lib: _mha(lib)(lib.ones(4), lib.ones(4), lib.ones(4)),
    "mha_batched_key_dims": lambda lib: _mha(lib)(lib.ones(3, 2, 4), lib.ones(3, 4), lib.ones(3, 4)),
    "mha_unbatched_key_dims": lambda lib: _mha(lib)(lib.ones(3, 4), lib.ones(3, 1, 4), lib.ones(3, 4)),
    "mha_embed_dim": lambda lib: _mha(lib)(lib.ones(3, 2, 6), lib.ones(3, 2, 6), lib.ones(3, 2, 6)),
    "mha_key_value_shape": lambda lib: _mha(lib)(lib.ones(3, 2, 4), lib.ones(3, 2, 4), lib.ones(5, 2, 4)),
    "mha_kpm_dims": lambda lib: _mha(lib)(lib.ones(3, 2, 4), lib.ones(3, 2, 4), lib.ones(3, 2, 4),
                                          key_padding_mask=lib.ones(3, dtype=lib.bool)),
    "mha_kpm_shape": lambda lib: _mha(lib)(lib.ones(3, 2, 4), lib.ones(3, 2, 4), lib.ones(3, 2, 4),
                                           key_padding_mask=lib.ones(2, 4, dtype=lib.bool)),
    "mha_kpm_int": lambda lib: _mha(lib)(lib.ones(3, 2, 4), lib.ones(3, 2, 4), lib.ones(3, 2, 4),
                                         key_padding_mask=lib.ones(2, 3, dtype=lib.int64)),
    "mha_attn_mask_2d": lambda lib: _mha(lib)(lib.ones(3, 2, 4), lib.ones(5, 2, 4), lib.ones(5, 2, 4),
                                              attn_mask=lib.ones(3, 4, dtype=lib.bool)),
    "mha_attn_mask_3d": lambda lib: _mha(lib)(lib.ones(3, 2, 4), lib.ones(5, 2, 4), lib.ones(5, 2, 4),
                                              attn_mask=lib.ones(2, 3, 5, dtype=lib.bool)),
    "mha_attn_mask_4d": lambda lib: _mha(lib)(lib.ones(3, 2, 4), lib.ones(5, 2, 4), lib.ones(5, 2, 4),
                                              attn_mask=lib.ones(1, 2, 3, 5, dtype=lib.bool)),
    "mha_unbatched_mask_3d": lambda lib: _mha(lib)(lib.ones(3, 4), lib.ones(5, 4), lib.ones(5, 4),
                                                   attn_mask=lib.ones(2, 3, 4, dtype=lib.bool)),
    "mha_causal_without_mask": lambda lib: _mha(lib)(lib.ones(3, 2, 4), lib.ones(3, 2, 4), lib.ones(3, 2, 4),
                                                     is_causal=True),
    "mha_functional_bias_k_only": lambda lib: lib.nn.functional.multi_head_attention_forward(
        lib.ones(3, 2, 4), lib.ones(3, 2, 4), lib.ones(3, 2, 4), 4, 2, lib.ones(12, 4), None, lib.ones(1, 1, 4),
        None, False, 0.0, lib.ones(4, 4), None),
    "mha_functional_no_in_proj": lambda lib: lib.nn.functional.multi_head_attention_forward(
        lib.ones(3, 2, 4), lib.ones(3, 2, 4), lib.ones(3, 2, 4), 4, 2, None, None, None, None, False, 0.0,
        lib.ones(4, 4), None),
    "mha_functional_separate_shape": lambda lib: lib.nn.functional.multi_head_attention_forward(
        lib.ones(3, 2, 4), lib.ones(3, 2, 4), lib.ones(3, 2, 4), 4, 2, None, None, None, None, False, 0.0,
        lib.ones(4, 4), None, use_separate_proj_weight=True, q_proj_weight=lib.ones(4, 4),
        k_proj_weight=lib.ones(4, 3), v_proj_weight=lib.ones(4, 4)),
    "margin_ranking_dims": lambda lib: lib.nn.MarginRankingLoss()(lib.ones(3), lib.ones(3), lib.ones(3, 1)),
    "soft_margin_target_grad": lambda lib: lib.nn.SoftMarginLoss()(lib.ones(3), lib.ones(3, requires_grad=True)),
    "soft_margin_shapes": lambda lib: lib.nn.SoftMarginLoss()(lib.ones(3, 4), lib.ones(3)),
    "soft_margin_broadcast_target": lambda lib: lib.nn.SoftMarginLoss()(lib.ones(4), lib.ones(3, 4)),
    "soft_margin_reduction": lambda lib: lib.nn.SoftMarginLoss(reduction="avg")(lib.ones(3), lib.ones(3)),
    "multilabel_soft_margin_reduction": lambda lib: lib.nn.functional.multilabel_soft_margin_loss(
        lib.ones(2, 3), lib.ones(2, 3), reduction="bad"),
    "multi_margin_p": lambda lib: lib.nn.MultiMarginLoss(p=3),
    "multi_margin_weight_dims": lambda lib: lib.nn.MultiMarginLoss(weight=lib.ones(2, 2)),
    "multi_margin_functional_weight_dims": lambda lib: lib.nn.functional.multi_margin_loss(
        lib.ones(2, 3), lib.tensor([0, 1]), weight=lib.ones(3, 1)),
    "multi_margin_target_size": lambda lib: lib.nn.MultiMarginLoss()(lib.ones(3, 4), lib.tensor([0, 1])),
    "multi_margin_target_range": lambda lib: lib.nn.MultiMarginLoss()(lib.ones(3, 4), lib.tensor([0, 1, 4])),
    "multi_margin_target_negative": lambda lib: lib.nn.MultiMarginLoss()(lib.ones(3, 4), lib.tensor([0, -1, 2])),
    "multi_margin_float_target": lambda lib: lib.nn.MultiMarginLoss()(lib.ones(3, 4), lib.tensor([0.0, 1, 2])),
    "multi_margin_weight_size": lambda lib: lib.nn.MultiMarginLoss(weight=lib.ones(3))(lib.ones(3, 4),
                                                                                        lib.tensor([0, 1, 2])),
    "multi_margin_3d": lambda lib: lib.nn.MultiMarginLoss()(lib.ones(2, 3, 4), lib.tensor([0, 1])),
    "multilabel_margin_target_size": lambda lib: lib.nn.MultiLabelMarginLoss()(
        lib.ones(3, 4), lib.tensor([[0, 1, -1, 0]] * 2)),
    "multilabel_margin_target_range": lambda lib: lib.nn.MultiLabelMarginLoss()(
        lib.ones(3, 4), lib.tensor([[0, 5, -1, 0]] * 3)),
    "multilabel_margin_float_target": lambda lib: lib.nn.MultiLabelMarginLoss()(
        lib.ones(3, 4), lib.tensor([[0, 1, -1, 0.0]] * 3)),
    "triplet_margin": lambda lib: lib.nn.TripletMarginLoss(margin=0),
    "triplet_functional_margin": lambda lib: lib.nn.functional.triplet_margin_loss(
        lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 3), margin=-1.0),
    "triplet_dims": lambda lib: lib.nn.TripletMarginLoss()(lib.ones(2, 3), lib.ones(2, 3), lib.ones(3)),
    "triplet_distance_margin": lambda lib: lib.nn.TripletMarginWithDistanceLoss(margin=-0.5),
    "triplet_distance_reduction": lambda lib: lib.nn.functional.triplet_margin_with_distance_loss(
        lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 3), reduction="bad"),
    "triplet_distance_dims": lambda lib: lib.nn.TripletMarginWithDistanceLoss()(
        lib.ones(2, 3), lib.ones(3), lib.ones(2, 3)),
    "poisson_reduction": lambda lib: lib.nn.functional.poisson_nll_loss(lib.ones(2), lib.ones(2), reduction="bad"),
    "gaussian_negative_var": lambda lib: lib.nn.GaussianNLLLoss()(lib.ones(2, 3), lib.ones(2, 3), -lib.ones(2, 3)),
    "gaussian_negative_float_var": lambda lib: lib.nn.GaussianNLLLoss()(lib.ones(2, 3), lib.ones(2, 3), -1.0),
    "gaussian_var_size": lambda lib: lib.nn.GaussianNLLLoss()(lib.ones(2, 3), lib.ones(2, 3), lib.ones(3, 2)),
    "gaussian_reduction": lambda lib: lib.nn.GaussianNLLLoss(reduction="bad")(lib.ones(2), lib.ones(2), lib.ones(2)),
    "transformer_batch": lambda lib: _small("Transformer")(lib)(lib.ones(5, 2, 8), lib.ones(4, 3, 8)),
    "transformer_batch_first": lambda lib: _small("Transformer", batch_first=True)(lib)(lib.ones(2, 5, 8),
                                                                                          lib.ones(3, 4, 8)),
    "transformer_d_model": lambda lib: _small("Transformer")(lib)(lib.ones(5, 2, 6), lib.ones(4, 2, 6)),
    "transformer_activation": lambda lib: _small("TransformerEncoderLayer", activation="tanh")(lib),
    "channel_shuffle_dims": lambda lib: lib.nn.ChannelShuffle(2)(lib.ones(2, 6)),
    "channel_shuffle_groups": lambda lib: lib.nn.ChannelShuffle(0)(lib.ones(2, 6, 3)),
    "channel_shuffle_divisible": lambda lib: lib.nn.functional.channel_shuffle(lib.ones(2, 6, 3), 4),
    "native_channel_shuffle_backward": lambda lib: lib.nn.functional.native_channel_shuffle(
        lib.ones(2, 6, 3, requires_grad=True), 3).sum().backward(),
    "native_channel_shuffle_divisible": lambda lib: lib.nn.functional.native_channel_shuffle(lib.ones(2, 6, 3), 4),
    "local_response_norm_dims": lambda lib: lib.nn.LocalResponseNorm(2)(lib.ones(3, 4)),
    "pdist_dims": lambda lib: lib.nn.functional.pdist(lib.ones(2, 3, 4)),
    "pdist_p": lambda lib: lib.nn.functional.pdist(lib.ones(3, 4), p=-1),
    "pdist_dtype": lambda lib: lib.nn.functional.pdist(lib.ones(3, 4, dtype=lib.int64)),
    "rrelu_bounds": lambda lib: lib.nn.RReLU(0.5, 0.2)(lib.ones(3)),
    "rrelu_int": lambda lib: lib.nn.functional.rrelu(lib.ones(3, dtype=lib.int64), training=True),
    "alpha_dropout_p": lambda lib: lib.nn.AlphaDropout(1.5),
    "alpha_dropout_functional_p": lambda lib: lib.nn.functional.alpha_dropout(lib.ones(3), -0.1),
    "feature_alpha_dropout_dims": lambda lib: lib.nn.FeatureAlphaDropout(0.5)(lib.ones(3)),
    "embedding_bag_offsets_start": lambda lib: lib.nn.EmbeddingBag(6, 3)(lib.tensor([1, 2, 3]), lib.tensor([1, 2])),
    "embedding_bag_offsets_end": lambda lib: lib.nn.EmbeddingBag(6, 3)(lib.tensor([1, 2, 3]), lib.tensor([0, 5])),
    "embedding_bag_index": lambda lib: lib.nn.EmbeddingBag(6, 3)(lib.tensor([1, 7]), lib.tensor([0])),
    "embedding_bag_float_index": lambda lib: lib.nn.EmbeddingBag(6, 3)(lib.tensor([1.0, 2.0]), lib.tensor([0])),
    "embedding_bag_2d_offsets": lambda lib: lib.nn.EmbeddingBag(6, 3)(lib.tensor([[1, 2]]), lib.tensor([0])),
    "embedding_bag_no_offsets": lambda lib: lib.nn.EmbeddingBag(6, 3)(lib.tensor([1, 2])),
    "embedding_bag_offsets_dims": lambda lib: lib.nn.EmbeddingBag(6, 3)(lib.tensor([1, 2]), lib.tensor([[0]])),
    "embedding_bag_3d": lambda lib: lib.nn.EmbeddingBag(6, 3)(lib.tensor([[[1, 2]]])),
    "embedding_bag_mode": lambda lib: lib.nn.EmbeddingBag(6, 3, mode="median")(lib.tensor([[1, 2]])),
    "embedding_bag_max_freq": lambda lib: lib.nn.EmbeddingBag(6, 3, mode="max", scale_grad_by_freq=True)(
        lib.tensor([[1, 2]])),
    "embedding_bag_psw_mode": lambda lib: lib.nn.EmbeddingBag(6, 3)(lib.tensor([[1, 2]]), None, lib.ones(1, 2)),
    "embedding_bag_psw_shape": lambda lib: lib.nn.EmbeddingBag(6, 3, mode="sum")(lib.tensor([[1, 2]]), None,
                                                                                 lib.ones(2)),
    "embedding_bag_psw_dtype": lambda lib: lib.nn.EmbeddingBag(6, 3, mode="sum")(
        lib.tensor([[1, 2]]), None, lib.ones(1, 2, dtype=lib.float64)),
    "embedding_bag_padding": lambda lib: lib.nn.EmbeddingBag(6, 3, padding_idx=6),
    "embedding_bag_functional_padding": lambda lib: lib.nn.functional.embedding_bag(
        lib.tensor([[1, 2]]), lib.ones(6, 3), padding_idx=-7),
    "embedding_bag_weight_dims": lambda lib: lib.nn.functional.embedding_bag(lib.tensor([[1, 2]]), lib.ones(6)),
    "ctc_input_length": lambda lib: lib.nn.CTCLoss()(lib.zeros(4, 2, 3), lib.ones(2, 2, dtype=lib.int64), (5, 4),
                                                     (2, 2)),
    "ctc_target_length": lambda lib: lib.nn.CTCLoss()(lib.zeros(4, 2, 3), lib.ones(2, 2, dtype=lib.int64), (4, 4),
                                                      (3, 2)),
    "ctc_batch": lambda lib: lib.nn.CTCLoss()(lib.zeros(4, 2, 3), lib.ones(2, 2, dtype=lib.int64), (4, 4, 4), (2, 2)),
    "ctc_blank": lambda lib: lib.nn.CTCLoss(blank=3)(lib.zeros(4, 2, 3), lib.ones(2, 2, dtype=lib.int64), (4, 4),
                                                     (2, 2)),
    "ctc_reduction": lambda lib: lib.nn.CTCLoss(reduction="avg")(lib.zeros(4, 2, 3), lib.ones(2, 2, dtype=lib.int64),
                                                                  (4, 4), (2, 2)),
    "adaptive_cutoffs_empty": lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, []),
    "adaptive_cutoffs_order": lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [5, 3]),
    "adaptive_cutoffs_range": lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 10]),
    "adaptive_batch": lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])(lib.ones(3, 4), lib.tensor([1, 2])),
    "adaptive_input_dims": lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])(lib.ones(2, 2, 4),
                                                                                     lib.tensor([1, 2])),
    "adaptive_scalar_target": lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])(lib.ones(2, 4),
                                                                                        lib.tensor(1)),
    "adaptive_target_dims": lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])(lib.ones(2, 4),
                                                                                      lib.tensor([[1, 2]])),
    "adaptive_target_range": lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])(lib.ones(2, 4),
                                                                                       lib.tensor([1, 10])),
    "linear_cross_entropy_weight": lambda lib: lib.nn.LinearCrossEntropyLoss(3, 4, weight=lib.ones(3)),
    "linear_cross_entropy_smoothing": lambda lib: lib.nn.LinearCrossEntropyLoss(3, 4, label_smoothing=1.5),
    "linear_cross_entropy_dims": lambda lib: lib.nn.functional.linear_cross_entropy(
        lib.ones(2, 2, 3), lib.ones(4, 3), lib.tensor([0, 1])),
    "linear_cross_entropy_in_features": lambda lib: lib.nn.functional.linear_cross_entropy(
        lib.ones(2, 3), lib.ones(4, 2), lib.tensor([0, 1])),
    "linear_cross_entropy_bias": lambda lib: lib.nn.functional.linear_cross_entropy(
        lib.ones(2, 3), lib.ones(4, 3), lib.tensor([0, 1]), linear_bias=lib.ones(3)),
    "linear_cross_entropy_unbatched_k": lambda lib: lib.nn.functional.linear_cross_entropy(
        lib.ones(3), lib.ones(4, 2, 3), lib.tensor([0, 1])),
    "linear_cross_entropy_probabilities_ignore": lambda lib: lib.nn.functional.linear_cross_entropy(
        lib.ones(2, 3), lib.ones(4, 3), lib.ones(2, 4), ignore_index=1),
    "affine_grid_dtype": lambda lib: lib.nn.functional.affine_grid(lib.ones(1, 2, 3, dtype=lib.int64), (1, 1, 2, 2),
                                                                   align_corners=False),
    "affine_grid_theta": lambda lib: lib.nn.functional.affine_grid(lib.ones(1, 3, 3), (1, 1, 2, 2),
                                                                   align_corners=False),
    "affine_grid_theta_3d": lambda lib: lib.nn.functional.affine_grid(lib.ones(1, 2, 3), (1, 1, 2, 2, 2),
                                                                      align_corners=False),
    "affine_grid_size": lambda lib: lib.nn.functional.affine_grid(lib.ones(1, 2, 3), (1, 2, 2), align_corners=False),
    "affine_grid_empty": lambda lib: lib.nn.functional.affine_grid(lib.ones(1, 2, 3), (1, 1, 0, 2),
                                                                   align_corners=False),
    "grid_sample_mode": lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2), lib.zeros(1, 1, 1, 2),
                                                                  mode="area", align_corners=False),
    "grid_sample_padding": lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2), lib.zeros(1, 1, 1, 2),
                                                                     padding_mode="wrap", align_corners=False),
    "grid_sample_batch": lambda lib: lib.nn.functional.grid_sample(lib.ones(2, 1, 2, 2), lib.zeros(1, 1, 1, 2),
                                                                   align_corners=False),
    "grid_sample_dims": lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2), lib.zeros(1, 1, 2),
                                                                  align_corners=False),
    "grid_sample_last_dim": lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2), lib.zeros(1, 1, 1, 3),
                                                                      align_corners=False),
    "grid_sample_dtype": lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2),
                                                                   lib.zeros(1, 1, 1, 2, dtype=lib.float64),
                                                                   align_corners=False),
    "grid_sample_3d_input": lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 2, 2), lib.zeros(1, 1, 2),
                                                                      align_corners=False),
    "grid_sample_grid_dims": lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2), lib.zeros(1, 1, 1, 2, 2),
                                                                       align_corners=False),
    "grid_sample_empty": lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 0, 2), lib.zeros(1, 1, 1, 2),
                                                                   align_corners=False),
    "sdpa_dtypes": lambda lib: lib.nn.functional.scaled_dot_product_attention(
        lib.ones(2, 3), lib.ones(2, 3, dtype=lib.float64), lib.ones(2, 3)),
    "sdpa_1d": lambda lib: lib.nn.functional.scaled_dot_product_attention(lib.ones(3), lib.ones(3), lib.ones(3)),
    "sdpa_mask_dtype": lambda lib: lib.nn.functional.scaled_dot_product_attention(
        lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 3), attn_mask=lib.ones(2, 2, dtype=lib.float64)),
    "sdpa_dropout": lambda lib: lib.nn.functional.scaled_dot_product_attention(
        lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 3), dropout_p=1.5),
    "sdpa_causal_and_mask": lambda lib: lib.nn.functional.scaled_dot_product_attention(
        lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 3), attn_mask=lib.ones(2, 2), is_causal=True),
    "sdpa_gqa_heads": lambda lib: lib.nn.functional.scaled_dot_product_attention(
        lib.ones(1, 4, 2, 3), lib.ones(1, 3, 2, 3), lib.ones(1, 3, 2, 3), enable_gqa=True),
}


def _raise(fn, lib):
    with pytest.raises(Exception) as info:
        fn(lib)
    return info.value


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_like_torch(name):
    ours, theirs = _raise(ERRORS[name], minigrad), _raise(ERRORS[name], torch)
    assert type(ours) is type(theirs), f"{type(ours).__name__}: {ours} vs {type(theirs).__name__}: {theirs}"
    assert str(ours).replace("minigrad.", "torch.") == str(theirs)


def test_nll_loss_2d_is_the_deprecated_nll_loss():
    x = np.random.default_rng(3).standard_normal((2, 3, 4, 4)).astype("float32")
    t = np.random.default_rng(4).integers(0, 3, (2, 4, 4))
    results = []
    for lib in LIBS:
        with pytest.warns(FutureWarning, match="`NLLLoss2d` has been deprecated"):
            loss = lib.nn.NLLLoss2d(ignore_index=1)
        assert isinstance(loss, lib.nn.NLLLoss)
        results.append(loss(lib.tensor(x).log_softmax(1), lib.tensor(t)))
    assert_close(*results, 1e-6, 1e-5, "loss")


def test_container_and_factory_kwargs_like_torch():
    for lib in LIBS:
        with pytest.warns(FutureWarning, match="`nn.Container` is deprecated"):
            container = lib.nn.Container(a=lib.nn.Linear(2, 3), b=lib.nn.ReLU())
        assert [n for n, _ in container.named_children()] == ["a", "b"]
        assert lib.nn.factory_kwargs(None) == {}
        assert lib.nn.factory_kwargs({"dtype": 1, "factory_kwargs": {"device": 2}}) == {"dtype": 1, "device": 2}
    for bad in ({"size": 1}, {"dtype": 1, "factory_kwargs": {"dtype": 2}}):
        ours, theirs = _raise(lambda lib: lib.nn.factory_kwargs(bad), minigrad), _raise(
            lambda lib: lib.nn.factory_kwargs(bad), torch)
        assert (type(ours), str(ours)) == (type(theirs), str(theirs))


def test_linear_cross_entropy_options_are_not_supported():
    """torch's chunked kernel (``options=``) is not in minigrad: it says so instead of ignoring them."""
    with pytest.raises(NotImplementedError, match="options"):
        minigrad.nn.functional.linear_cross_entropy(minigrad.ones(2, 3), minigrad.ones(4, 3), minigrad.tensor([0, 1]),
                                                    options=object())


LAZY_X = np.random.default_rng(5).standard_normal((4, 6)).astype("float32")


def _lazy_model(lib):
    lib.manual_seed(21)
    return lib.nn.Sequential(lib.nn.LazyLinear(3), lib.nn.ReLU(), lib.nn.LazyLinear(2, bias=False))


def _lazy_linear_answers(lib):
    """What a script sees of a LazyLinear before, during and after its first forward; and the model."""
    model = _lazy_model(lib)
    answers = {"repr_before": repr(model), "weight_before": repr(model[0].weight),
               "state_before": list(model.state_dict()), "params_before": len(list(model.parameters()))}
    with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized parameter"):
        model[0].weight.shape
    model(lib.tensor(LAZY_X))  # the first forward materializes the parameters
    answers.update(repr_after=repr(model), types=[type(m).__name__ for m in model],
                   shapes={k: tuple(v.shape) for k, v in model.state_dict().items()})
    loaded = lib.nn.LazyLinear(3)
    loaded.load_state_dict({k: v for k, v in model[0].state_dict().items()})
    answers.update(loaded=(type(loaded).__name__, tuple(loaded.weight.shape), type(loaded.weight).__name__))
    answers["copied"] = repr(copy.deepcopy(lib.nn.LazyLinear(2)).weight)
    return model, answers


def _lazy_forward_backward(lib, model):
    out = model(lib.tensor(LAZY_X))
    out.sum().backward()
    return {"out": out.detach().numpy(), "grad": model[0].weight.grad.numpy()}


def test_lazy_linear_like_torch():
    (ours, answers_o), (theirs, answers_t) = _lazy_linear_answers(minigrad), _lazy_linear_answers(torch)
    assert answers_o.keys() == answers_t.keys()
    for key in answers_t:
        assert answers_o[key] == answers_t[key], key
    _load_torchs(ours, theirs)  # the materialized model computes like torch's
    results_o, results_t = _lazy_forward_backward(minigrad, ours), _lazy_forward_backward(torch, theirs)
    for key in results_t:
        np.testing.assert_allclose(results_o[key], results_t[key], rtol=1e-5, atol=1e-6, err_msg=key)


@AVX2_INIT
def test_lazy_linear_seeded_init_bit_identical():
    """The first forward draws the parameters torch draws, and leaves the generator where torch's is."""
    results = []
    for lib in LIBS:
        model = _lazy_model(lib)
        model(lib.tensor(LAZY_X))
        results.append(({k: v.numpy() for k, v in model.state_dict().items()}, lib.rand(2).numpy()))
    (values_o, next_o), (values_t, next_t) = results
    assert values_o.keys() == values_t.keys()
    for name in values_t:
        np.testing.assert_array_equal(values_o[name], values_t[name], err_msg=name)
    np.testing.assert_array_equal(next_o, next_t, err_msg="next draw")


def test_spatial_transformer_like_torch():
    """The Spatial Transformer tutorial's pattern: affine_grid from a predicted theta, then grid_sample;
    both warn when align_corners is left unset, as torch does."""
    rng = np.random.default_rng(4)
    theta = np.array([[[0.9, -0.2, 0.1], [0.15, 1.1, -0.05]]] * 2)
    images = rng.standard_normal((2, 3, 6, 7))
    results = []
    for lib in LIBS:
        t, x = lib.tensor(theta, requires_grad=True), lib.tensor(images, requires_grad=True)
        with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
            grid = lib.nn.functional.affine_grid(t, x.size())
        with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
            out = lib.nn.functional.grid_sample(x, grid)
        out.square().sum().backward()
        results.append((out.detach(), t.grad, x.grad))
    for a, b in zip(*results):
        assert_close(a, b, 1e-10, 1e-9, "spatial transformer")


def test_grid_sample_volumes_are_not_in_minigrad():
    """5-d (volumetric) sampling is one of the 3-D variants minigrad leaves out: it says so."""
    with pytest.raises(NotImplementedError, match="2-d inputs only"):
        minigrad.nn.functional.grid_sample(minigrad.ones(1, 1, 2, 2, 2), minigrad.zeros(1, 1, 1, 1, 3),
                                           align_corners=False)


def test_mask_dtype_mismatch_warns_like_torch():
    for lib in LIBS:
        m = lib.nn.MultiheadAttention(4, 2)
        x = lib.ones(3, 2, 4)
        with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and attn_mask is deprecated"):
            m(x, x, x, key_padding_mask=lib.zeros(2, 3, dtype=lib.bool), attn_mask=lib.zeros(3, 3))


# --- property tests: random shapes and settings for the kernels with the most index logic ----------------
from hypothesis import given, strategies as st  # noqa: E402


def _grads_match(fn, arrays, differentiable, rtol=1e-9, atol=1e-11):
    """fn(lib, *tensors) on float64 inputs: output and gradients of sum(out * w) equal torch's."""
    results = []
    for lib in LIBS:
        tensors = [lib.tensor(a, requires_grad=d) if isinstance(a, np.ndarray) else a
                   for a, d in zip(arrays, differentiable)]
        out = fn(lib, *tensors)
        w = np.random.default_rng(0).standard_normal(tuple(out.shape))
        (out * lib.tensor(w, dtype=out.dtype)).sum().backward()
        results.append([out.detach()] + [t.grad for t, d in zip(tensors, differentiable) if d])
    for k, (a, b) in enumerate(zip(*results)):
        assert_close(a, b, atol, rtol, f"output/grad {k}")


@given(lead=st.sampled_from([(), (2,), (2, 3), (1, 2)]), length=st.integers(1, 5), source=st.integers(1, 5),
       embed=st.integers(1, 4), value_dim=st.integers(1, 4), mask=st.sampled_from([None, "bool", "float"]),
       causal=st.booleans(), scale=st.sampled_from([None, 0.5, -1.0]), seed=st.integers(0, 2**16))
def test_scaled_dot_product_attention_property(lead, length, source, embed, value_dim, mask, causal, scale, seed):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(lead + (length, embed)), rng.standard_normal(lead + (source, embed)),
              rng.standard_normal(lead + (source, value_dim))]
    mask_array = None
    if mask == "bool":
        mask_array = rng.random((length, source)) < 0.7
        mask_array[:, 0] = True
    elif mask == "float":
        mask_array = rng.standard_normal((length, source))
    fused = len(lead) == 2 and value_dim == embed  # torch's flash path (see minigrad/nn/_sdpa.py)
    if causal and mask_array is not None and not fused:
        causal = False  # the math path refuses both; the fused path takes both
    if causal and fused and scale is not None and scale < 0:
        scale = 0.5  # torch's fused kernel returns nan there (it scales the -inf of the causal mask)

    def fn(lib, q, k, v):
        m = None if mask_array is None else lib.tensor(mask_array)
        return lib.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m, is_causal=causal, scale=scale)
    _grads_match(fn, arrays, [True] * 3)


@given(bags=st.lists(st.lists(st.integers(0, 6), max_size=4), min_size=1, max_size=4),
       mode=st.sampled_from(["sum", "mean", "max"]), padding_idx=st.sampled_from([None, 0, 6]),
       weighted=st.booleans(), last_offset=st.booleans(), seed=st.integers(0, 2**16))
def test_embedding_bag_property(bags, mode, padding_idx, weighted, last_offset, seed):
    rng = np.random.default_rng(seed)
    indices = np.array([i for bag in bags for i in bag], dtype=np.int64)
    offsets = np.cumsum([0] + [len(bag) for bag in bags])
    offsets = offsets if last_offset else offsets[:-1]
    weighted = weighted and mode == "sum"
    arrays = [rng.standard_normal((7, 3)), rng.standard_normal(indices.shape) if weighted else None]

    def fn(lib, weight, psw):
        return lib.nn.functional.embedding_bag(lib.tensor(indices), weight, lib.tensor(offsets), mode=mode,
                                               per_sample_weights=psw, include_last_offset=last_offset,
                                               padding_idx=padding_idx)
    _grads_match(fn, arrays, [True, weighted])


@given(batch=st.integers(1, 3), frames=st.integers(1, 6), classes=st.integers(2, 5), blank=st.integers(0, 4),
       reduction=st.sampled_from(["mean", "sum", "none"]), zero_infinity=st.booleans(), seed=st.integers(0, 2**16))
def test_ctc_loss_property(batch, frames, classes, blank, reduction, zero_infinity, seed):
    rng = np.random.default_rng(seed)
    blank %= classes
    labels = [c for c in range(classes) if c != blank]
    input_lengths = rng.integers(1, frames + 1, batch)
    target_lengths = rng.integers(0, frames + 1, batch)  # some longer than the input: infinite losses
    targets = rng.choice(labels, (batch, frames))

    def fn(lib, scores):
        return lib.nn.functional.ctc_loss(scores.log_softmax(2), lib.tensor(targets), tuple(input_lengths),
                                          tuple(target_lengths), blank=blank, reduction=reduction,
                                          zero_infinity=zero_infinity)
    _grads_match(fn, [rng.standard_normal((frames, batch, classes))], [True])


def _off_kink_scores(rng, shape):
    """Scores on a lattice of 0.25 plus distinct small offsets: no margin term lands exactly on its kink."""
    return rng.integers(-6, 6, shape) * 0.25 + 0.125 + rng.permutation(shape[-1]) * 0.01


@given(batch=st.sampled_from([None, 1, 4]), classes=st.integers(1, 6), p=st.sampled_from([1, 2]),
       margin=st.sampled_from([1.0, 0.5]), weighted=st.booleans(), reduction=st.sampled_from(["mean", "sum", "none"]),
       seed=st.integers(0, 2**16))
def test_multi_margin_loss_property(batch, classes, p, margin, weighted, reduction, seed):
    rng = np.random.default_rng(seed)
    shape = (classes,) if batch is None else (batch, classes)
    target = rng.integers(0, classes, () if batch is None else (batch,))
    arrays = [_off_kink_scores(rng, shape), rng.uniform(0.5, 2, classes) if weighted else None]

    def fn(lib, x, w):
        return lib.nn.functional.multi_margin_loss(x, lib.tensor(target), p=p, margin=margin, weight=w,
                                                   reduction=reduction)
    _grads_match(fn, arrays, [True, False])


@given(batch=st.sampled_from([None, 1, 3]), classes=st.integers(1, 6),
       reduction=st.sampled_from(["mean", "sum", "none"]), seed=st.integers(0, 2**16))
def test_multilabel_margin_loss_property(batch, classes, reduction, seed):
    rng = np.random.default_rng(seed)
    shape = (classes,) if batch is None else (batch, classes)
    target = rng.integers(-1, classes, shape)  # each row's targets end at its first -1 (repeats allowed)

    def fn(lib, x):
        return lib.nn.functional.multilabel_margin_loss(x, lib.tensor(target), reduction=reduction)
    _grads_match(fn, [_off_kink_scores(rng, shape)], [True])


@given(height=st.integers(1, 5), width=st.integers(1, 5), out_h=st.integers(1, 4), out_w=st.integers(1, 4),
       mode=st.sampled_from(["bilinear", "nearest", "bicubic"]),
       padding_mode=st.sampled_from(["zeros", "border", "reflection"]), align_corners=st.booleans(),
       spread=st.sampled_from([0.9, 1.5, 3.0]), seed=st.integers(0, 2**16))
def test_grid_sample_property(height, width, out_h, out_w, mode, padding_mode, align_corners, spread, seed):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((2, 3, height, width)), rng.uniform(-spread, spread, (2, out_h, out_w, 2))]

    def fn(lib, x, grid):
        return lib.nn.functional.grid_sample(x, grid, mode=mode, padding_mode=padding_mode,
                                             align_corners=align_corners)
    _grads_match(fn, arrays, [True, True])

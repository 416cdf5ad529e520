"""Stochastic weight averaging and exponential moving averages of a model's weights.

``AveragedModel`` keeps a copy of a model whose parameters are the running average of the
model's along training (``update_parameters(model)`` after each step or epoch): equal weights by
default (SWA: Izmailov et al., "Averaging Weights Leads to Wider Optima and Better
Generalization", arXiv:1803.05407), or any ``avg_fn``/``multi_avg_fn``, e.g. an EMA from
``get_ema_multi_avg_fn(decay)``. ``SWALR`` anneals each group's lr to a constant ``swa_lr``;
``update_bn`` recomputes BatchNorm statistics for the averaged weights. As torch/optim/swa_utils.py,
written with tensor ops; the default average on every device is torch's CPU path
(``averaged + (current - averaged) / (n + 1)``).
"""
import itertools
import math
import warnings
from copy import deepcopy

from .. import nn
from ..autograd.grad_mode import no_grad
from ..dtypes import int64
from ..factories import tensor
from ..tensor import Tensor
from ._fused import lerp_
from .lr_scheduler import LRScheduler, _per_group

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn", "get_ema_avg_fn",
           "get_swa_avg_fn"]


def _check_decay(decay):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def get_ema_multi_avg_fn(decay=0.999):
    """An EMA over lists of tensors, in place: ``ema = ema.lerp(current, 1 - decay)`` (ValueError
    for a ``decay`` outside [0, 1])."""
    _check_decay(decay)

    @no_grad()
    def ema_update(ema_param_list, current_param_list, _):
        if ema_param_list[0].is_floating_point():
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                lerp_(p_ema._data, p_model._data, 1 - decay)
                p_ema._bump_version()
        else:
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                p_ema.copy_(p_ema * decay + p_model * (1 - decay))
    return ema_update


def get_swa_multi_avg_fn():
    """The equal-weight running average over lists of tensors, in place:
    ``avg = avg.lerp(current, 1 / (n + 1))`` (the weight rounded to float32, as torch's
    ``1 / tensor``)."""

    @no_grad()
    def swa_update(averaged_param_list, current_param_list, num_averaged):
        if averaged_param_list[0].is_floating_point():
            weight = 1 / (num_averaged + 1)  # a float32 tensor when num_averaged is a tensor
            weight = weight.item() if isinstance(weight, Tensor) else weight
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                lerp_(p_avg._data, p_model._data, weight)
                p_avg._bump_version()
        else:
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                p_avg += (p_model - p_avg) / (num_averaged + 1)
    return swa_update


def get_ema_avg_fn(decay=0.999):
    """An EMA of one tensor: returns ``decay * ema + (1 - decay) * current`` (ValueError for a
    ``decay`` outside [0, 1])."""
    _check_decay(decay)

    @no_grad()
    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn():
    """The equal-weight running average of one tensor: ``avg + (current - avg) / (n + 1)``."""

    @no_grad()
    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


class AveragedModel(nn.Module):
    """A deep copy of ``model`` (moved to ``device`` if given) whose parameters (and buffers, with
    ``use_buffers=True``) ``update_parameters(model)`` averages; ``n_averaged`` (an int64 buffer)
    counts the updates; calling it runs the copy. AssertionError when both ``avg_fn`` and
    ``multi_avg_fn`` are given (as torch)."""

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype=int64, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    @no_grad()
    def update_parameters(self, model):
        """Fold ``model``'s current parameters into the average (the first call copies them)."""
        if self.use_buffers:
            self_param = list(itertools.chain(self.module.parameters(), self.module.buffers()))
            model_param = list(itertools.chain(model.parameters(), model.buffers()))
        else:
            self_param, model_param = list(self.parameters()), list(model.parameters())
        pairs = [(p_avg.detach(), p_model.detach().to(p_avg.device)) for p_avg, p_model in zip(self_param, model_param)]
        if self.n_averaged.item() == 0:
            for p_avg, p_model in pairs:
                p_avg.copy_(p_model)
        else:
            n_averaged = self.n_averaged
            if self.multi_avg_fn is not None:
                self.multi_avg_fn([a for a, _ in pairs], [m for _, m in pairs], n_averaged)
            else:
                avg_fn = self.avg_fn or get_swa_avg_fn()
                for p_avg, p_model in pairs:
                    p_avg.copy_(avg_fn(p_avg, p_model, n_averaged.to(p_avg.device)))
        if not self.use_buffers:  # keep the buffers (BatchNorm statistics) in sync with the model
            for b_swa, b_model in zip(self.module.buffers(), model.buffers()):
                b_swa.detach().copy_(b_model.detach().to(b_swa.device))
        self.n_averaged += 1


@no_grad()
def update_bn(loader, model, device=None):
    """Recompute the running statistics of every BatchNorm of ``model`` with one pass over
    ``loader`` (batches, or (input, ...) tuples whose first element is the input), as a cumulative
    average (``momentum=None``); the model's mode and the momenta are restored afterwards."""
    momenta = {}
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    for batch in loader:
        if isinstance(batch, (list, tuple)):
            batch = batch[0]
        if device is not None:
            batch = batch.to(device)
        model(batch)
    for bn_module in momenta:
        bn_module.momentum = momenta[bn_module]
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's lr from its value to ``swa_lr`` over ``anneal_epochs`` epochs (``cos`` or
    ``linear``), then hold it. ValueError for another ``anneal_strategy`` or a negative/non-int
    ``anneal_epochs`` (torch's messages)."""

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        swa_lrs = _per_group("swa_lr", optimizer, swa_lr)
        for swa_lr_, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = swa_lr_
        if anneal_strategy not in ["cos", "linear"]:
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self):
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
                          UserWarning, stacklevel=2)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_t = max(0, min(1, (step - 1) / max(1, self.anneal_epochs)))
        prev_alpha = self.anneal_func(prev_t)
        prev_lrs = [self._get_initial_lr(group["lr"], group["swa_lr"], prev_alpha)
                    for group in self.optimizer.param_groups]
        t = max(0, min(1, step / max(1, self.anneal_epochs)))
        alpha = self.anneal_func(t)
        return [group["swa_lr"] * alpha + lr * (1 - alpha) for group, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def _set_anneal_func(self, anneal_strategy):
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal

    def state_dict(self):
        return {key: value for key, value in self.__dict__.items() if key not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)

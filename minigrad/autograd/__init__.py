"""Reverse-mode automatic differentiation: ``backward``, ``grad``, custom ``Function``s,
grad-mode switches, gradient checks and anomaly detection."""
from .function import Function
from .grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled
from .anomaly_mode import detect_anomaly, set_detect_anomaly, is_anomaly_enabled, is_anomaly_check_nan_enabled
from .engine import backward, grad
from .functional import gradcheck, gradgradcheck
from .variable import Variable

__all__ = ["Function", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "gradcheck", "gradgradcheck", "Variable"]

"""Argument handling the samplers share: torch's dtype names and number format for error
messages, the float-dtype check, element counts and the uint64 wrap-around mask."""

import math

import numpy as np

UINT64 = (1 << 64) - 1                  # torch keeps seeds and integer ranges as uint64

# How torch names dtypes in messages: C++ type names and ScalarType names.
CPP_NAME = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char",
            "int16": "short int", "int32": "int", "int64": "long int",
            "float16": "c10::Half", "float32": "float", "float64": "double"}
TORCH_NAME = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short",
              "int32": "Int", "int64": "Long", "float16": "Half", "float32": "Float",
              "float64": "Double"}


def numel(shape):
    """Number of elements of a shape tuple."""
    return math.prod(shape)


def fmt(value):
    """A number as C++'s ``ostream << double`` prints it (as torch's messages do)."""
    return f"{value:g}"


def float_dtype(dtype, kernel):
    """``dtype`` as a numpy float dtype, or torch's NotImplementedError for ``kernel``."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{TORCH_NAME.get(dtype.name, dtype.name)}'")
    return dtype

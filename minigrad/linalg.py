"""``torch.linalg``: matrix and vector functions (``import minigrad as torch; torch.linalg.inv(a)``).

The ops live in ``minigrad/ops/`` (decompositions in ``ops/linalg_decompositions.py``, norms in
``ops/reduction.py``); this module is the namespace.
"""
from .ops.distance import linalg_cross as cross

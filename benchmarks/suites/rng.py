"""Random number throughput: rand and randn of float32 at 10^6 and 10^7.

minigrad reproduces torch's CPU streams bit for bit (mt19937 and torch's transforms, vectorised in
numpy), so this is the price of reproducibility; the target is randn(10^7) within 2x of torch.
"""
from ..runner import Case, Suite
from .ops import size_label

SIZES = (10**6, 10**7)
QUICK_SIZES = (10**6,)
RANDN_TARGET = 2.0


def draw_step(name, n):
    def build(lib, device):
        draw = getattr(lib, name)
        return lambda: draw(n, dtype=lib.float32, device=device)
    return build


def annotate_target(row, config):
    """Say whether randn(10^7) meets the target ratio."""
    verdict = "met" if row["ratio"] <= RANDN_TARGET else "MISSED"
    row["notes"].append(f"target ratio <= {RANDN_TARGET:g}x: {verdict}")


def cases(config, note):
    return [Case("rng", name, size_label(n), draw_step(name, n),
                 annotate=annotate_target if (name, n) == ("randn", 10**7) else None)
            for name in ("rand", "randn") for n in (QUICK_SIZES if config.quick else SIZES)]


SUITE = Suite("rng", cases, method="a fresh float32 tensor per call from the default generator")

"""The benchmark suites, in the order they run; ``--suite NAME`` picks some."""
from . import chapters, compile, conv, memory, mlp, ops, peers, rng, rnn  # noqa: A004

SUITES = {suite.name: suite for suite in
          (ops.SUITE, mlp.SUITE, compile.SUITE, chapters.SUITE, conv.SUITE, rnn.SUITE, rng.SUITE, memory.SUITE, peers.SUITE)}

"""minigrad's benchmarks: minigrad against torch (and peer engines), side by side.

Run ``python -m benchmarks`` (``--help`` for the options). Each workload is written once against
torch's API and run with ``lib = torch`` and ``lib = minigrad`` interleaved in one process; the
result is the ratio minigrad time / torch time (or peak memory), with medians and spreads.

Layout: ``timing`` (warm-up, autorange, A/B rounds), ``runner`` (cases, suites, error policy),
``libs`` (the libraries, what may be skipped), ``suites/`` (the workloads), ``report`` (table,
JSON, plot, regressions), ``env`` (versions, CPU, BLAS, threads), ``progress`` (the bar).
"""

"""``python -m benchmarks``: the command line. ``--help`` lists the options."""
import argparse
import importlib.util
import json
import sys
import time
from dataclasses import asdict

from . import env, report
from .libs import cuda_missing, load, set_threads
from .progress import Progress
from .runner import Config, Run
from .suites import SUITES


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="minigrad against torch (and installed peers): ratios minigrad / torch, lower is better.")
    parser.add_argument("--suite", action="append", choices=list(SUITES),
                        help="run only this suite (repeatable; default: all)")
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes and time budgets: a smoke test (CI) well under 2 minutes")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                        help="where tensors live (cuda needs a GPU for torch and CuPy for minigrad)")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="threads for torch and numpy's BLAS alike (default: each library's own)")
    parser.add_argument("--json", metavar="PATH", help="write the results and environment as JSON")
    parser.add_argument("--plot", metavar="PATH", help="write a PNG of the ratios (needs matplotlib)")
    parser.add_argument("--compare", metavar="OLD.json",
                        help="flag workloads whose ratio is more than 20%% worse than in OLD.json")
    args = parser.parse_args(argv)
    if args.plot and importlib.util.find_spec("matplotlib") is None:
        parser.error("--plot needs matplotlib, which is not installed (pip install matplotlib)")
    if args.compare:
        try:
            with open(args.compare) as f:
                json.load(f)["results"]
        except (OSError, ValueError, KeyError) as exc:
            parser.error(f"--compare {args.compare}: not a benchmark JSON file ({exc})")
    return args


def main(argv=None):
    """Run the chosen suites; print environment, table, notes; 1 if anything failed, else 0."""
    args = parse_args(argv)
    start = time.perf_counter()
    config = Config(quick=args.quick, device=args.device, threads=args.threads)
    if args.device == "cuda" and (reason := cuda_missing()):
        print(f"cuda: skipped, no benchmark run: {reason}")
        return 0
    libs = load(args.device)
    if args.threads:
        print(set_threads(args.threads))
    environment = env.collect()
    print(env.describe(environment), end="\n\n", flush=True)

    run = Run(libs, config)
    suites = [SUITES[name] for name in dict.fromkeys(args.suite or SUITES)]
    for suite in suites:
        run.plan(suite)
    run.execute(Progress())

    print(report.table(run.rows), end="\n\n")
    measured = {row["suite"] for row in run.rows}
    print(report.notes(run.rows, run.notes, {s.name: s.method for s in suites if s.name in measured}))
    elapsed_s = time.perf_counter() - start
    if args.json:
        report.write_json(args.json, environment,
                          {**asdict(config), "suites": [s.name for s in suites], "elapsed_s": elapsed_s},
                          run.rows, run.notes, run.failures)
        print(f"\nwrote {args.json}")
    if args.plot:
        report.plot(args.plot, run.rows)
        print(f"wrote {args.plot}")
    if args.compare:
        print("\n" + report.compare_section(run.rows, args.compare))
    print(f"\nfinished in {elapsed_s:.0f} s ({'quick' if args.quick else 'full'} run)")
    if run.failures:
        print(f"{len(run.failures)} FAILED (tracebacks above, on stderr): "
              + ", ".join(failure["label"] for failure in run.failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Turning result rows into the table, the notes, the JSON file, the plot and the regression list."""
import json
import math
from itertools import groupby

REGRESSION_FACTOR = 1.2
COLUMNS = ("workload", "size", "torch", "minigrad", "ratio", "peers")


def format_seconds(seconds):
    """3 significant digits in ns, µs, ms or s."""
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_measure(row, library):
    """One library's cell: median time and its half-IQR in %, or the peak memory."""
    if row["status"] != "ok":
        return row["status"].upper() if library == "minigrad" else ""
    entry = row[library]
    if row["unit"] == "MiB":
        return f"{entry['peak_mib']:.1f} MiB"
    spread = 50 * (entry["q3"] - entry["q1"]) / entry["median"]
    return f"{format_seconds(entry['median'])} ±{spread:.0f}%"


def format_ratio(ratio):
    return "" if ratio is None else f"{ratio:.2f}x"


def table_cells(row):
    peers = ", ".join(f"{name} {format_ratio(peer['ratio'])}" for name, peer in row["peers"].items())
    return (row["workload"], row["size"], format_measure(row, "torch"), format_measure(row, "minigrad"),
            format_ratio(row["ratio"]), peers)


def geomean(ratios):
    return math.exp(sum(map(math.log, ratios)) / len(ratios))


def suite_summary(suite, rows):
    ratios = [row["ratio"] for row in rows if row["status"] == "ok" and row["ratio"]]
    if not ratios:
        return f"== {suite}"
    return f"== {suite}: geometric mean ratio {geomean(ratios):.2f}x over {len(ratios)} workloads"


def table(rows):
    """The results as aligned text, one section per suite."""
    cells = [table_cells(row) for row in rows]
    widths = [max(len(c) for c in column) for column in zip(COLUMNS, *cells)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()  # noqa: E731
    out = [line(COLUMNS), line("-" * w for w in widths)]
    by_suite = groupby(zip(rows, cells), key=lambda pair: pair[0]["suite"])
    for suite, group in by_suite:
        group = list(group)
        out.append(suite_summary(suite, [row for row, _ in group]))
        out += [line(cell) for _, cell in group]
    return "\n".join(out)


def notes(rows, run_notes, methods):
    """The lines under the table: how each suite measures, per-row notes, skips."""
    out = [f"method {name}: {text}" for name, text in methods.items() if text]
    out += [f"{row['suite']}/{row['workload']} {row['size']}: {note}" for row in rows for note in row["notes"]]
    return "\n".join(out + list(run_notes))


def row_key(row):
    return row["suite"], row["workload"], row["size"]


def regressions(rows, old_rows):
    """Rows whose ratio grew by more than REGRESSION_FACTOR since the old run: (row, old ratio)."""
    old = {row_key(row): row["ratio"] for row in old_rows if row.get("ratio")}
    return [(row, old[row_key(row)]) for row in rows
            if row["ratio"] and row_key(row) in old and row["ratio"] > REGRESSION_FACTOR * old[row_key(row)]]


def compare_section(rows, old_path):
    """The final section of a --compare run."""
    with open(old_path) as f:
        old_rows = json.load(f)["results"]
    found = regressions(rows, old_rows)
    compared = len({row_key(r) for r in old_rows} & {row_key(r) for r in rows})
    head = (f"Regressions vs {old_path} (ratio worse by > {100 * (REGRESSION_FACTOR - 1):.0f}%): "
            f"{len(found)} of {compared} workloads compared")
    return "\n".join([head] + [f"  REGRESSION {row['suite']}/{row['workload']} {row['size']}: "
                               f"{old:.2f}x -> {row['ratio']:.2f}x (+{100 * (row['ratio'] / old - 1):.0f}%)"
                               for row, old in found])


def write_json(path, environment, config, rows, run_notes, failures):
    """Everything, machine-readable."""
    document = {"environment": environment, "config": config, "results": rows, "notes": list(run_notes),
                "failures": failures}
    with open(path, "w") as f:
        json.dump(document, f, indent=1)


def plot(path, rows):
    """A PNG of minigrad's ratio per workload: bars from parity (1) on a log scale, a colour per suite."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
    shown = [row for row in rows if row["ratio"]]
    suites = list(dict.fromkeys(row["suite"] for row in shown))
    colours = {suite: plt.cm.tab10(i % 10) for i, suite in enumerate(suites)}
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.18 * len(shown)))
    ax.barh(range(len(shown)), [row["ratio"] - 1 for row in shown], left=1,
            color=[colours[row["suite"]] for row in shown])
    ax.set_yticks(range(len(shown)), [f"{row['suite']}/{row['workload']} {row['size']}" for row in shown],
                  fontsize=7)
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.set_xscale("log")
    ratios = [row["ratio"] for row in shown]
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5) if max(ratios) / min(ratios) < 100 else (1,)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}x"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xlabel("minigrad / torch (time, or peak memory): left of 1x minigrad is better")
    ax.legend(handles=[plt.Rectangle((0, 0), 1, 1, color=colours[s]) for s in suites], labels=suites, fontsize=7,
              loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)

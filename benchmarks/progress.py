"""A dependency-free progress bar on stderr: ``[#####.....] 12/40   31s mlp/train step small``.

On a terminal the bar redraws in place; in a log (CI) each step is a line of its own.
"""
import sys
import time


class Progress:
    """Draws the bar; ``show`` before each case, ``finish`` at the end."""

    WIDTH = 20

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.inplace = stream.isatty()
        self.start = time.perf_counter()

    def show(self, done, total, label):
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"[{bar}] {done}/{total} {time.perf_counter() - self.start:4.0f}s {label}"
        if self.inplace:
            self.stream.write("\r\033[K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self, total):
        self.show(total, total, "done")
        if self.inplace:
            self.stream.write("\n")
        self.stream.flush()

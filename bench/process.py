"""Run a command as a user would, in a fresh process: wall time, peak memory, output."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Measurement:
    """One run of a command."""

    seconds: float
    peak_mib: float
    stdout: str


def measure(argv: list[str], expected_codes: tuple[int, ...] = (0,)) -> Measurement:
    """Run ``argv``; peak memory is the child's own maximum resident set (``wait4``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        child.returncode = code  # reaped by wait4: tell Popen, or it warns that the child still runs
        out.seek(0)
        err.seek(0)
        if code not in expected_codes:
            sys.exit(f"{' '.join(argv)} exited {code}:\n{err.read().decode()}")
        return Measurement(seconds, usage.ru_maxrss / 1024, out.read().decode())


@dataclass(frozen=True)
class Spread:
    """Several runs of one command: time as min / median / max, so noise can be told from a change."""

    runs: list[Measurement]

    @property
    def times(self) -> list[float]:
        """Wall time of each run."""
        return [run.seconds for run in self.runs]

    @property
    def median(self) -> float:
        """Median wall time."""
        return statistics.median(self.times)

    @property
    def peak_mib(self) -> float:
        """The largest peak resident set of any run."""
        return max(run.peak_mib for run in self.runs)

    @property
    def stdout(self) -> str:
        """Output of the last run."""
        return self.runs[-1].stdout

    def seconds(self, digits: int = 2) -> str:
        """``min / median / max s``."""
        times = self.times
        return f"{min(times):.{digits}f} / {self.median:.{digits}f} / {max(times):.{digits}f} s"


def measure_repeated(argv: list[str], repeat: int, expected_codes: tuple[int, ...] = (0,)) -> Spread:
    """Run ``argv`` ``repeat`` times, each in a fresh process."""
    return Spread([measure(argv, expected_codes) for _ in range(max(1, repeat))])

"""Run a command as a user would, in a fresh process: wall time, CPU time, peak memory, output."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.1


@dataclass(frozen=True)
class Measurement:
    """One run of a command."""

    seconds: float
    peak_mib: float
    stdout: str
    cpu_seconds: float = 0.0
    """User + system time of the process and every descendant it waited for (``wait4``)."""
    tree_peak_mib: float = 0.0
    """The largest sampled sum of proportional set sizes (PSS) of the process and its descendants: the
    memory the whole tree held at once, pages shared after ``fork`` counted once."""


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        stack += [int(child) for child in children]
    return found


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return 0
    return 0


class _TreeSampler(threading.Thread):
    """Samples the PSS of a process tree until stopped (Linux /proc; elsewhere it reads 0)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            self.peak_kib = max(self.peak_kib, sum(_pss_kib(pid) for pid in _descendants(self.pid)))


def measure(argv: list[str], expected_codes: tuple[int, ...] = (0,)) -> Measurement:
    """Run ``argv``; peak memory is the largest single process's maximum resident set (``wait4``
    reports the child's and its waited-for descendants'), tree memory the sampled PSS sum.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err)
        sampler = _TreeSampler(child.pid)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        code = os.waitstatus_to_exitcode(status)
        child.returncode = code  # reaped by wait4: tell Popen, or it warns that the child still runs
        out.seek(0)
        err.seek(0)
        if code not in expected_codes:
            sys.exit(f"{' '.join(argv)} exited {code}:\n{err.read().decode()}")
        return Measurement(
            seconds,
            usage.ru_maxrss / 1024,
            out.read().decode(),
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            tree_peak_mib=sampler.peak_kib / 1024,
        )


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
    def cpu_median(self) -> float:
        """Median CPU time (user + system, the process tree)."""
        return statistics.median(run.cpu_seconds for run in self.runs)

    @property
    def tree_peak_mib(self) -> float:
        """The largest sampled memory of the process tree in any run."""
        return max(run.tree_peak_mib for run in self.runs)

    def cpu(self, digits: int = 2) -> str:
        """``min / median / max s`` of CPU time."""
        times = [run.cpu_seconds for run in self.runs]
        return f"{min(times):.{digits}f} / {self.cpu_median:.{digits}f} / {max(times):.{digits}f} s"

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

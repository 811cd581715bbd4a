"""Run a command as a user would, in a fresh process: wall time, CPU time, peak memory, output."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
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


LAUNCHER = """
import json, os, subprocess, sys, time
for line in sys.stdin:
    job = json.loads(line)
    with open(job["out"], "wb") as out, open(job["err"], "wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(job["argv"], stdout=out, stderr=err, env=job["env"])
        print(json.dumps({"pid": child.pid}), flush=True)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
    print(json.dumps({"code": child.returncode, "seconds": seconds, "maxrss_kib": usage.ru_maxrss,
                      "cpu": usage.ru_utime + usage.ru_stime}), flush=True)
"""
"""Starts every measured command. Linux carries the maximum resident set of the process that forks a
child into the child's (``wait4``'s ``ru_maxrss`` counts the memory it had before ``exec``), so children
of the benchmark itself, which holds every run's output, reported its size, not theirs. This launcher
starts first and stays small, and its children report their own."""


class _Launcher:
    def __init__(self) -> None:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        if process.stdin is None or process.stdout is None:
            raise RuntimeError("the launcher has no pipes")
        self.jobs, self.results = process.stdin, process.stdout

    def run(self, argv: list[str], out: Path, err: Path) -> tuple[dict[str, float], _TreeSampler]:
        job = {"argv": argv, "out": str(out), "err": str(err), "env": dict(os.environ)}  # as it is now
        self.jobs.write(json.dumps(job) + "\n")
        self.jobs.flush()
        sampler = _TreeSampler(int(json.loads(self.results.readline())["pid"]))
        sampler.start()
        result: dict[str, float] = json.loads(self.results.readline())
        sampler.done.set()
        sampler.join()
        return result, sampler


_LAUNCHER = _Launcher()  # at import, while the benchmark is still small


def measure(argv: list[str], expected_codes: tuple[int, ...] = (0,)) -> Measurement:
    """Run ``argv``; peak memory is the largest single process's maximum resident set (``wait4``
    reports the child's and its waited-for descendants'), tree memory the sampled PSS sum.
    """
    with tempfile.TemporaryDirectory() as directory:
        out, err = Path(directory) / "out", Path(directory) / "err"
        result, sampler = _LAUNCHER.run(argv, out, err)
        code = int(result["code"])
        if code not in expected_codes:
            sys.exit(f"{' '.join(argv)} exited {code}:\n{err.read_text(errors='replace')}")
        return Measurement(
            result["seconds"],
            result["maxrss_kib"] / 1024,
            out.read_text(),
            cpu_seconds=result["cpu"],
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

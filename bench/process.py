"""Run a command as a user would, in a fresh process: wall time, peak memory, output."""

from __future__ import annotations

import os
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

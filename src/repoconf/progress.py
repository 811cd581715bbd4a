"""Progress of long runs over many repositories, on stderr when it is a terminal (never in pipes/CI)."""

from __future__ import annotations

import sys
from collections.abc import Callable

Progress = Callable[[int, int, str], None]


def terminal_progress(verb: str) -> Progress:
    """A callback printing ``<verb> done/total: name`` on one stderr line, only on a terminal."""

    def report(done: int, total: int, name: str) -> None:
        if sys.stderr.isatty():
            end = "\n" if done == total else ""
            sys.stderr.write(f"\r\x1b[K{verb} {done}/{total}: {name}{end}")
            sys.stderr.flush()

    return report

"""Errors the CLI turns into a message and an exit code instead of a traceback."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of SPEC §6."""

    OK = 0
    DRIFT = 1
    INVALID = 2
    GITHUB = 3
    BUG = 70


class UsageError(Exception):
    """Bad command-line input (exit 2)."""

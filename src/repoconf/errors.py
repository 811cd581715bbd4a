"""The one error type of repoconf, its exit codes, and the one located diagnostic.

Every error a user can cause is a :class:`RepoconfError` carrying the exit code the CLI ends with
(cibuildwheel's ``errors.py`` pattern): the CLI has a single ``except RepoconfError`` boundary and
anything else is a bug. Errors about a place in the policy file carry :class:`Diagnostic` objects,
the one located form shared by the loader, the checks, the Pulumi program and the workflow generator:
``PATH:LINE:COL: error: FIELD.PATH: message``.

This module is near the bottom of the house: it imports only :mod:`repoconf.text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

from repoconf.text import printable


class ExitCode(IntEnum):
    """Exit codes of SPEC §6."""

    OK = 0
    DRIFT = 1
    INVALID = 2
    GITHUB = 3
    BUG = 70


@dataclass(frozen=True)
class Location:
    """A position in a policy file (1-based line and column)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Severity(StrEnum):
    """How bad a diagnostic is: errors fail validation, warnings only with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a policy file, located at the line that caused it."""

    location: Location
    path: str
    message: str
    severity: Severity = Severity.ERROR
    rule: str = "schema"
    repository: str | None = None
    environment: str | None = None

    def format(self) -> str:
        r"""``PATH:LINE:COL: error: FIELD.PATH: message`` — one line on stderr, control characters of
        names shown as ``\xNN`` (never a newline or an escape sequence reaching the terminal).
        """
        field = f"{self.path}: " if self.path else ""
        return printable(f"{self.location}: {self.severity}: {field}{self.message}")

    def as_json(self) -> dict[str, Any]:
        """The documented JSON shape of a diagnostic (``validate --format json``)."""
        return {
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "severity": str(self.severity),
            "rule": self.rule,
            "path": self.path,
            "repository": self.repository,
            "environment": self.environment,
            "message": self.message,
        }


class RepoconfError(Exception):
    """An error the user can act on: a message (one line per problem) and the exit code it ends with."""

    exit_code: ExitCode = ExitCode.INVALID

    def lines(self) -> list[str]:
        """What the CLI prints on stderr, one line per problem."""
        return [f"repoconf: error: {self}"]


class UsageError(RepoconfError):
    """Bad command-line input or a file the command cannot use (exit 2)."""

    exit_code = ExitCode.INVALID


class DiagnosticError(RepoconfError):
    """Problems located in the policy file; carries every diagnostic found, not only the first."""

    exit_code = ExitCode.INVALID

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = list(diagnostics)

    def lines(self) -> list[str]:
        """One ``PATH:LINE:COL: severity: FIELD.PATH: message`` line per diagnostic."""
        return [diagnostic.format() for diagnostic in self.diagnostics]

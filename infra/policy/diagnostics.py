"""Diagnostics: what the loader and the checks report about a policy file."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from infra.policy.source import Location, Path


class Severity(StrEnum):
    """How bad a diagnostic is: errors fail validation, warnings only with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


def dotted(path: Path) -> str:
    """``("environments", "qa", "wait_timer")`` → ``environments.qa.wait_timer``; ``[0]`` for indexes."""
    text = ""
    for element in path:
        if isinstance(element, int):
            text += f"[{element}]"
        else:
            text += ("." if text else "") + element
    return text


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
        """``PATH:LINE:COL: error: FIELD.PATH: message`` — the one-line form on stderr."""
        field = f"{self.path}: " if self.path else ""
        return f"{self.location}: {self.severity}: {field}{self.message}"

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


class PolicyError(Exception):
    """A policy that cannot be used; carries every diagnostic found, not only the first."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


def _repository_list(names: list[str]) -> str:
    shown = ", ".join(repr(name) for name in names[:3])
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return shown + more


def collapse(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per place in the file, sorted by position.

    A value written once in ``defaults`` can fail in many repositories; it is reported once, naming the
    repositories that inherit it.
    """
    groups: dict[tuple[Location, str, str, Severity], list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        key = (diagnostic.location, diagnostic.rule, diagnostic.message, diagnostic.severity)
        groups.setdefault(key, []).append(diagnostic)
    result: list[Diagnostic] = []
    for group in groups.values():
        first = group[0]
        repositories = [d.repository for d in group if d.repository is not None]
        if first.path.startswith("defaults") and repositories:
            verb = "inherit" if len(repositories) > 1 else "inherits"
            plural = "repositories" if len(repositories) > 1 else "repository"
            first = Diagnostic(
                first.location,
                first.path,
                f"{first.message} (in {plural} {_repository_list(repositories)}, which {verb} it)",
                first.severity,
                first.rule,
                first.repository,
                first.environment,
            )
        result.append(first)
    return sorted(result, key=lambda d: (d.location.line, d.location.column, d.message))

"""Problems in policy terms, and their located form.

A rule that looks at one repository's merged settings (a check, the program's look-ups, the workflow
generator) reports a :class:`Problem`: a path in the merged settings and a message. Only the loaded
policy knows where that value was written (``defaults`` or the repository's own entry), so
:meth:`repoconf.policy.loader.LoadedPolicy.diagnose` turns each problem into the one located
:class:`~repoconf.errors.Diagnostic`.
"""

from __future__ import annotations

from dataclasses import dataclass

from repoconf.errors import Diagnostic, DiagnosticError, Location, Severity
from repoconf.policy.identifiers import looks_like_token
from repoconf.policy.source import Path

__all__ = ["Diagnostic", "PolicyError", "Problem", "Severity", "dotted", "merge_repeated"]


CREDENTIAL_SHAPED = "[credential-shaped name]"


def dotted(path: Path) -> str:
    """``("environments", "qa", "wait_timer")`` → ``environments.qa.wait_timer``; ``[0]`` for indexes.

    A key shaped like a credential is never printed: it stands as ``[credential-shaped name]``.
    """
    text = ""
    for element in path:
        if isinstance(element, int):
            text += f"[{element}]"
        else:
            shown = CREDENTIAL_SHAPED if looks_like_token(element) else element
            text += ("." if text else "") + shown
    return text


@dataclass(frozen=True)
class Problem:
    """What a rule found about one repository, in policy terms; located later by the loaded policy."""

    path: Path
    message: str
    severity: Severity = Severity.ERROR
    environment: str | None = None


class PolicyError(DiagnosticError):
    """A policy that cannot be used (exit 2)."""


def _repository_list(names: list[str]) -> str:
    shown = ", ".join(repr(name) for name in names[:3])
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return shown + more


def merge_repeated(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
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

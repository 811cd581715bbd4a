"""Audit output: text for terminals, JSON (SPEC §7), markdown for job summaries and issues.

Everything shown comes from the policy or from GitHub, so text output escapes control characters and
markdown output escapes everything that could format, link or mention (:mod:`repoconf.text`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from repoconf.audit.run import AuditReport, RepositoryReport
from repoconf.concepts.live import plain
from repoconf.live.compare import Finding, Kind
from repoconf.text import markdown_text, printable


def _value(value: Any) -> str:
    if value is None:
        return "—"
    value = plain(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(", ", ": "), ensure_ascii=False)


def _line(finding: Finding) -> str:
    if finding.kind is Kind.MISSING:
        text = f"missing  {finding.path}: expected {_value(finding.expected)}"
        if finding.actual is not None:
            text += f" ({_value(finding.actual)})"
        return text
    if finding.kind is Kind.EXTRA:
        return f"extra    {finding.path}: not in the policy, found {_value(finding.actual)}"
    return f"changed  {finding.path}: expected {_value(finding.expected)}, found {_value(finding.actual)}"


def _status(repository: RepositoryReport) -> str:
    if repository.error is not None:
        return "error"
    if repository.compliant:
        return "compliant" + (f" ({len(repository.unverified)} unverified)" if repository.unverified else "")
    return f"{len(repository.findings)} finding(s)"


def _summary(report: AuditReport) -> str:
    data = report.as_json()["summary"]
    text = (
        f"{data['compliant']}/{data['repositories']} repositories compliant, {data['findings']} "
        f"finding(s), {data['errors']} unreadable, {data['requests']} request(s)"
    )
    limit = report.rate_limit
    if limit.remaining is not None:
        text += f"; rate limit: {limit.remaining} left"
        if limit.reset is not None:
            text += f", resets {datetime.fromtimestamp(limit.reset, UTC).strftime('%H:%M:%S UTC')}"
    return text


UNVERIFIED_NOTE = "not visible to this token, or not usable as read (not drift, not verified)"


def _text(report: AuditReport) -> str:
    """Findings grouped by repository."""
    lines: list[str] = []
    for repository in report.repositories:
        lines.append(printable(f"{repository.name}: {_status(repository)}"))
        if repository.error is not None:
            lines.append(printable(f"  error    {repository.error}"))
        lines += [printable(f"  {_line(finding)}") for finding in repository.findings]
        lines += [printable(f"  unverified {path}: {UNVERIFIED_NOTE}") for path in repository.unverified]
    lines.append(_summary(report))
    return "\n".join(lines)


def _json(report: AuditReport) -> str:
    """``{"repositories": [...], "summary": {...}}`` (SPEC §7)."""
    return json.dumps(report.as_json(), indent=2)


def _cell(value: Any) -> str:
    return markdown_text(_value(value))


def _markdown(report: AuditReport) -> str:
    """A table per drifted or unreadable repository; compliant ones listed in one line."""
    lines = ["## repoconf audit", "", markdown_text(_summary(report)) + ".", ""]
    compliant = [r for r in report.repositories if r.compliant]
    for repository in report.repositories:
        if repository.compliant:
            continue
        lines += [f"### {markdown_text(repository.name)}", ""]
        if repository.error is not None:
            lines += [f"Could not be read: {markdown_text(repository.error)}", ""]
            continue
        lines += ["| kind | path | expected | actual |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {f.kind} | {markdown_text(f.path)} | {_cell(f.expected)} | {_cell(f.actual)} |"
            for f in repository.findings
        ]
        lines.append("")
        if repository.unverified:
            paths = ", ".join(markdown_text(path) for path in repository.unverified)
            lines += [f"Unverified ({UNVERIFIED_NOTE}): {paths}", ""]
    if compliant:
        lines += ["Compliant: " + ", ".join(markdown_text(r.name) for r in compliant), ""]
    unverified = [r for r in compliant if r.unverified]
    for repository in unverified:
        paths = ", ".join(markdown_text(path) for path in repository.unverified)
        lines += [f"Unverified in {markdown_text(repository.name)} ({UNVERIFIED_NOTE}): {paths}", ""]
    return "\n".join(lines)


FORMATS: dict[str, Callable[[AuditReport], str]] = {"text": _text, "json": _json, "markdown": _markdown}

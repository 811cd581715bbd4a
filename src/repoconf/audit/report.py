"""Audit output: text for terminals, JSON (SPEC §7), markdown for job summaries and issues."""

from __future__ import annotations

import json
from typing import Any

from repoconf.audit.compare import Finding, Kind
from repoconf.audit.run import AuditReport


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(", ", ": "))


def _line(finding: Finding) -> str:
    if finding.kind is Kind.MISSING:
        return f"missing  {finding.path}: expected {_value(finding.expected)}"
    if finding.kind is Kind.EXTRA:
        return f"extra    {finding.path}: not in the policy, found {_value(finding.actual)}"
    return f"changed  {finding.path}: expected {_value(finding.expected)}, found {_value(finding.actual)}"


def _summary(report: AuditReport) -> str:
    data = report.as_json()["summary"]
    return (
        f"{data['compliant']}/{data['repositories']} repositories compliant, {data['findings']} "
        f"finding(s), {data['requests']} request(s)"
    )


def as_text(report: AuditReport) -> str:
    """Findings grouped by repository."""
    lines: list[str] = []
    for repository in report.repositories:
        status = "compliant" if repository.compliant else f"{len(repository.findings)} finding(s)"
        lines.append(f"{repository.name}: {status}")
        lines += [f"  {_line(finding)}" for finding in repository.findings]
    lines.append(_summary(report))
    return "\n".join(lines)


def as_json(report: AuditReport) -> str:
    """``{"repositories": [...], "summary": {...}}`` (SPEC §7)."""
    return json.dumps(report.as_json(), indent=2)


def _cell(value: Any) -> str:
    text = _value(value).replace("|", "\\|")
    return f"`{text}`" if value is not None else text


def as_markdown(report: AuditReport) -> str:
    """A table per drifted repository; compliant ones listed in one line."""
    lines = ["## repoconf audit", "", _summary(report) + ".", ""]
    compliant = [r.name for r in report.repositories if r.compliant]
    for repository in report.repositories:
        if repository.compliant:
            continue
        lines += [
            f"### `{repository.name}`",
            "",
            "| kind | path | expected | actual |",
            "| --- | --- | --- | --- |",
        ]
        lines += [
            f"| {f.kind} | `{f.path}` | {_cell(f.expected)} | {_cell(f.actual)} |"
            for f in repository.findings
        ]
        lines.append("")
    if compliant:
        lines += ["Compliant: " + ", ".join(f"`{name}`" for name in compliant), ""]
    return "\n".join(lines)


FORMATS = {"text": as_text, "json": as_json, "markdown": as_markdown}

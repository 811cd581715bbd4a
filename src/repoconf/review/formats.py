"""`repoconf diff` output: text for terminals, JSON, markdown for a pull request's summary or comment."""

from __future__ import annotations

import json
from typing import Any

from repoconf.review.diff import PolicyDiff, Status
from repoconf.text import markdown_text, printable


def _value(value: Any) -> str:
    if value is None:
        return "absent"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _summary(diff: PolicyDiff) -> str:
    touched = sum(r.status is not Status.UNCHANGED for r in diff.repositories)
    return (
        f"{diff.changes} change(s) in {touched} of {len(diff.repositories)} repositories, "
        f"{diff.weakening} weakening a gate"
    )


def _text(diff: PolicyDiff) -> str:
    """One line per repository with its status, then its changes; `!` marks a weakened gate."""
    lines = []
    for repository in diff.repositories:
        lines.append(f"{repository.name}: {repository.status}")
        for change in repository.changes:
            mark = "!" if change.weakens else " "
            line = f"  {mark} {change.path}: {_value(change.before)} -> {_value(change.after)}"
            lines.append(line + (f"  (weakens: {change.why})" if change.why else ""))
    lines.append(_summary(diff))
    return "\n".join(printable(line) for line in lines)


def _json(diff: PolicyDiff) -> str:
    """``{"repositories": [{"name", "status", "changes": [...]}], "summary": {"changes", "weakening"}}``."""
    return json.dumps(diff.as_json(), indent=2)


def _markdown(diff: PolicyDiff) -> str:
    """A heading, the summary, the weakened gates first, then a table per changed repository."""
    lines = ["## repoconf diff", "", _summary(diff) + ".", ""]
    weakening = [(r.name, c) for r in diff.repositories for c in r.changes if c.weakens]
    if weakening:
        lines += ["### Weakened gates", ""]
        lines += [
            f"- **{markdown_text(name)}** {markdown_text(c.path)}: {markdown_text(c.why or '')}"
            for name, c in weakening
        ]
        lines.append("")
    for repository in diff.repositories:
        if repository.status is Status.UNCHANGED:
            continue
        lines += [f"### {markdown_text(repository.name)}: {repository.status}", ""]
        if repository.flow is not None:
            lines += [
                "Release flow after the change (in red: new and removed paths, changed environments):",
                "",
            ]
            lines += ["```mermaid", repository.flow, "```", ""]
        if repository.changes:
            lines += ["| setting | before | after | weakens |", "| --- | --- | --- | --- |"]
            for c in repository.changes:
                cells = (c.path, _value(c.before), _value(c.after), c.why or "")
                lines.append("| " + " | ".join(markdown_text(cell) for cell in cells) + " |")
            lines.append("")
    return "\n".join(lines)


FORMATS = {"text": _text, "json": _json, "markdown": _markdown}

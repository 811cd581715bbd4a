"""`repoconf render` output: a table for terminals, JSON (SPEC §6), markdown for job summaries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from repoconf.concepts.content import expected_content
from repoconf.concepts.flow import deploys_from, flow
from repoconf.policy.model import RepositorySettings
from repoconf.render.mocks import Declaration
from repoconf.render.run import Rendering
from repoconf.text import markdown_text

LOOKUP_NOTE = (
    "Look-ups (reviewer ids, repository node ids) were answered with stable fake ids: render needs no "
    "credentials. Secret values are never read and show as [secret]."
)
CONTENT_NOTE = "The default branch must hold these (the audit checks them; Pulumi creates no files):"
LOOKUP_KINDS = {
    "github:index/getUser:getUser": "users",
    "github:index/getTeam:getTeam": "teams",
    "github:index/getRepository:getRepository": "repositories",
}


def _short_type(token: str) -> str:
    return token.rsplit(":", 1)[-1]


def _options(declaration: Declaration) -> dict[str, Any]:
    return {
        "protect": declaration.protect,
        "import": declaration.import_id,
        "depends_on": declaration.depends_on,
    }


def _lookups(rendering: Rendering) -> dict[str, Any]:
    counts = {kind: rendering.lookups.get(token, 0) for token, kind in LOOKUP_KINDS.items()}
    return {"fake_ids": True, **counts}


def _json(rendering: Rendering) -> str:
    """The stable JSON shape of SPEC §6 (plus ``summary.lookups``, saying the ids are fake)."""
    document = {
        "resources": [
            {
                "type": d.type,
                "name": d.name,
                "parent": d.parent,
                "inputs": d.inputs,
                "options": _options(d),
            }
            for d in rendering.declarations
        ],
        "summary": {
            "repositories": rendering.repositories,
            "resources": len(rendering.declarations),
            "lookups": _lookups(rendering),
        },
        "content": {name: expected_content(settings) for name, settings in rendering.settings.items()},
    }
    return json.dumps(document, indent=2, sort_keys=False)


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(", ", ": "), sort_keys=True)


def _option_text(declaration: Declaration) -> str:
    parts = []
    if declaration.protect:
        parts.append("protect")
    if declaration.import_id:
        parts.append(f"import={declaration.import_id}")
    if declaration.depends_on:
        parts.append("depends_on=" + ",".join(declaration.depends_on))
    return " ".join(parts) or "-"


def _summary_line(rendering: Rendering) -> str:
    lookups = _lookups(rendering)
    return (
        f"{rendering.repositories} repositories, {len(rendering.declarations)} resources; "
        f"look-ups: {lookups['users']} users, {lookups['teams']} teams, "
        f"{lookups['repositories']} repositories"
    )


def _content_lines(rendering: Rendering, code: str = "") -> list[str]:
    """What repositories' default branches must hold, one line per distinct requirement: a thousand
    repositories with the defaults make one line, not a thousand. ``code`` quotes names (markdown).
    """
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
    for name, settings in rendering.settings.items():
        content = expected_content(settings)
        key = (tuple(content["required_files"]), tuple(content["check_producers"]))
        groups.setdefault(key, []).append(name)

    def listed(items: Sequence[str]) -> str:
        return ", ".join(f"{code}{item}{code}" for item in items) or "-"

    lines = []
    for (files, checks), names in groups.items():
        if files or checks:
            more = f" and {len(names) - 3} more" if len(names) > 3 else ""
            lines.append(
                f"{listed(names[:3])}{more}: files {listed(files)}; a pull-request job for each check: "
                f"{listed(checks)}"
            )
    return lines


def _table(rendering: Rendering) -> str:
    """One row per resource: type, logical name, parent, options, then its inputs."""
    header = ("TYPE", "NAME", "PARENT", "OPTIONS")
    rows = [(_short_type(d.type), d.name, d.parent or "-", _option_text(d)) for d in rendering.declarations]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row, declaration in zip([header, *rows], [None, *rendering.declarations], strict=True):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if declaration is not None and declaration.inputs:
            lines.append(f"    inputs: {_compact(declaration.inputs)}")
    content = _content_lines(rendering)
    if content:
        lines += ["", CONTENT_NOTE, *(f"  {line}" for line in content)]
    lines += ["", _summary_line(rendering), LOOKUP_NOTE]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _settings_table(settings: RepositorySettings) -> list[str]:
    """The environments in policy terms: who approves, the wait, which refs deploy, what they hold."""
    lines = [
        "| environment | reviewers | wait | deploys from | secrets | variables |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, environment in settings.environments.items():
        reviewers = environment.reviewers
        names = [*(reviewers.users if reviewers else ()), *(reviewers.teams if reviewers else ())]
        cells = (
            name,
            ", ".join(names) or "none",
            f"{environment.wait_timer} min" if environment.wait_timer else "-",
            ", ".join(deploys_from(settings, name)) or "nothing",
            ", ".join(sorted(environment.secrets)) or "-",
            ", ".join(sorted(environment.variables)) or "-",
        )
        lines.append("| " + " | ".join(markdown_text(cell) for cell in cells) + " |")
    return lines


def _resource_table(items: list[Declaration]) -> list[str]:
    lines = ["| resource | name | options | inputs |", "| --- | --- | --- | --- |"]
    for d in items:
        inputs = f"`{_cell(_compact(d.inputs))}`" if d.inputs else ""
        lines.append(f"| {_short_type(d.type)} | `{_cell(d.name)}` | {_cell(_option_text(d))} | {inputs} |")
    return lines


def _markdown(rendering: Rendering) -> str:
    """A pull request's job summary: per repository its release flow (Mermaid), its environments in
    policy terms, and the declared resources in a collapsed block.
    """
    lines = ["## repoconf render", "", _summary_line(rendering) + ".", "", f"> {LOOKUP_NOTE}", ""]
    by_repository: dict[str, list[Declaration]] = {}
    top_level: list[Declaration] = []
    roots = {d.name for d in rendering.declarations if d.type == "repoconf:index:Repository"}
    for declaration in rendering.declarations:
        repository = declaration.name.split("/", 1)[0]
        if repository in roots:
            by_repository.setdefault(repository, []).append(declaration)
        else:
            top_level.append(declaration)
    if top_level:
        lines += ["### Provider", "", *_resource_table(top_level), ""]
    for name, items in by_repository.items():
        lines += [f"### `{_cell(name)}`", ""]
        settings = rendering.settings.get(name)
        if settings is not None and settings.environments:
            lines += ["```mermaid", flow(settings), "```", "", *_settings_table(settings), ""]
        lines += [f"<details><summary>{len(items)} resources</summary>", "", *_resource_table(items), ""]
        lines += ["</details>", ""]
    content = _content_lines(rendering, code="`")
    if content:
        lines += ["### Repository content", "", CONTENT_NOTE, ""]
        lines += [f"- {line}" for line in content] + [""]
    return "\n".join(lines)


FORMATS = {"table": _table, "json": _json, "markdown": _markdown}

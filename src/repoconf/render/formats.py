"""`repoconf render` output: a table for terminals, JSON (SPEC §6), markdown for job summaries.

Each format yields its text in pieces, reading the rendering's declarations one slice at a time
(:meth:`Rendering.each`): printing a render of thousands of repositories never builds the whole
document in memory.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
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


def _nested(value: Any, depth: int) -> str:
    """``value`` as ``json.dumps(indent=2)`` prints it ``depth`` levels deep in a document."""
    return json.dumps(value, indent=2).replace("\n", "\n" + "  " * depth)


def _json_list(items: Iterable[Any], depth: int) -> Iterator[str]:
    """A list ``depth`` levels deep, one item at a time, as ``json.dumps(indent=2)`` prints it."""
    pad = "  " * (depth + 1)
    empty = True
    for item in items:
        yield ("[\n" if empty else ",\n") + pad + _nested(item, depth + 1)
        empty = False
    yield "[]" if empty else "\n" + "  " * depth + "]"


def _json_object(pairs: Iterable[tuple[str, Any]], depth: int) -> Iterator[str]:
    """An object ``depth`` levels deep, one member at a time, as ``json.dumps(indent=2)`` prints it."""
    pad = "  " * (depth + 1)
    empty = True
    for key, value in pairs:
        yield ("{\n" if empty else ",\n") + pad + json.dumps(key) + ": " + _nested(value, depth + 1)
        empty = False
    yield "{}" if empty else "\n" + "  " * depth + "}"


def _resource(declaration: Declaration) -> dict[str, Any]:
    return {
        "type": declaration.type,
        "name": declaration.name,
        "parent": declaration.parent,
        "inputs": declaration.inputs,
        "options": _options(declaration),
    }


def _json(rendering: Rendering) -> Iterator[str]:
    """The stable JSON shape of SPEC §6 (plus ``summary.lookups``, saying the ids are fake), streamed:
    the same bytes as ``json.dumps(document, indent=2)`` of the whole document.
    """
    yield '{\n  "resources": '
    yield from _json_list(map(_resource, rendering.each()), 1)
    summary = {
        "repositories": rendering.repositories,
        "resources": rendering.resources,
        "lookups": _lookups(rendering),
    }
    yield ',\n  "summary": ' + _nested(summary, 1)
    yield ',\n  "content": '
    yield from _json_object(
        ((name, expected_content(settings)) for name, settings in rendering.settings.items()), 1
    )
    yield "\n}\n"


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
        f"{rendering.repositories} repositories, {rendering.resources} resources; "
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


def _row(declaration: Declaration) -> tuple[str, str, str, str]:
    return (
        _short_type(declaration.type),
        declaration.name,
        declaration.parent or "-",
        _option_text(declaration),
    )


def _table(rendering: Rendering) -> Iterator[str]:
    """One row per resource: type, logical name, parent, options, then its inputs. Two passes over the
    declarations: the first measures the columns.
    """
    header = ("TYPE", "NAME", "PARENT", "OPTIONS")
    widths = [len(cell) for cell in header]
    for declaration in rendering.each():
        widths = [max(width, len(cell)) for width, cell in zip(widths, _row(declaration), strict=True)]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n"

    yield line(header)
    for declaration in rendering.each():
        yield line(_row(declaration))
        if declaration.inputs:
            yield f"    inputs: {_compact(declaration.inputs)}\n"
    lines = []
    content = _content_lines(rendering)
    if content:
        lines += ["", CONTENT_NOTE, *(f"  {line}" for line in content)]
    lines += ["", _summary_line(rendering), LOOKUP_NOTE]
    yield "".join(f"{line}\n" for line in lines)


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


def _repository_of(rendering: Rendering) -> Callable[[Declaration], str | None]:
    def repository(declaration: Declaration) -> str | None:
        name = declaration.name.split("/", 1)[0]
        return name if name in rendering.settings else None

    return repository


def _markdown(rendering: Rendering) -> Iterator[str]:
    """A pull request's job summary: per repository its release flow (Mermaid), its environments in
    policy terms, and the declared resources in a collapsed block. The declarations come in
    repository order, so each repository's section is written as its resources are read.
    """
    lines = ["## repoconf render", "", _summary_line(rendering) + ".", "", f"> {LOOKUP_NOTE}", ""]
    for name, group in itertools.groupby(rendering.each(), key=_repository_of(rendering)):
        items = list(group)
        if name is None:
            lines += ["### Provider", "", *_resource_table(items), ""]
        else:
            lines += [f"### `{_cell(name)}`", ""]
            settings = rendering.settings[name]
            if settings.environments:
                lines += ["```mermaid", flow(settings), "```", "", *_settings_table(settings), ""]
            lines += [f"<details><summary>{len(items)} resources</summary>", "", *_resource_table(items), ""]
            lines += ["</details>", ""]
        yield "".join(f"{line}\n" for line in lines)
        lines = []
    content = _content_lines(rendering, code="`")
    if content:
        lines += ["### Repository content", "", CONTENT_NOTE, ""]
        lines += [f"- {line}" for line in content] + [""]
    yield "".join(f"{line}\n" for line in lines)


FORMATS: dict[str, Callable[[Rendering], Iterator[str]]] = {
    "table": _table,
    "json": _json,
    "markdown": _markdown,
}

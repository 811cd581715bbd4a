"""The release flow of one repository as a Mermaid flowchart: which kind of ref can reach which
environment, each environment with its reviewers, wait timer and secrets.

GitHub renders ```` ```mermaid ```` blocks in markdown (job summaries, comments). Edges are decided with
the same ref rules as ``validate --explain-ref``, on one sample ref per kind. Given the settings before a
change, an edge that appeared is drawn thick and labelled "new", one that disappeared dotted and
labelled "removed", and a changed environment is outlined.
"""

from __future__ import annotations

from repoconf.policy.model import Environment, RepositorySettings
from repoconf.policy.refs import Ref, explain

REF_KINDS = (
    ("main", "refs/heads/main"),
    ("other branches", "refs/heads/feature/x"),
    ("RC tags", "refs/tags/v1.2.3-rc1"),
    ("final tags", "refs/tags/v1.2.3"),
    ("other tags", "refs/tags/nightly"),
)
"""One sample per kind of ref the release guide names (release tags are `v*`, RC tags `v*-rc*`)."""

CHANGED_STYLE = "stroke:#d1242f,stroke-width:3px"


def label(text: str) -> str:
    """Text safe inside a quoted Mermaid label: quotes and angle brackets as entity codes."""
    return text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _environment_label(name: str, environment: Environment) -> str:
    lines = [f"<b>{label(name)}</b>"]
    reviewers = environment.reviewers
    names = [
        *(reviewers.users if reviewers else ()),
        *(f"@{t}" for t in (reviewers.teams if reviewers else ())),
    ]
    lines.append("reviewers: " + (label(", ".join(names)) if names else "none"))
    if environment.wait_timer:
        lines.append(f"wait {environment.wait_timer} min")
    if environment.prevent_self_review:
        lines.append("no self-review")
    if environment.secrets:
        lines.append("secrets: " + label(", ".join(sorted(environment.secrets))))
    return "<br/>".join(lines)


def deploys_from(settings: RepositorySettings, name: str) -> list[str]:
    """The kinds of ref that may deploy to the environment ``name``."""
    environment = settings.environments[name]
    return [kind for kind, sample in REF_KINDS if explain(settings, environment, Ref.parse(sample)).allowed]


def _edges(settings: RepositorySettings | None) -> set[tuple[str, str]]:
    if settings is None:
        return set()
    return {(kind, name) for name in settings.environments for kind in deploys_from(settings, name)}


def flow(
    settings: RepositorySettings,
    before: RepositorySettings | None = None,
    changed_environments: frozenset[str] = frozenset(),
) -> str:
    """The Mermaid text of the repository's release flow (the text inside the fenced block)."""
    lines = ["flowchart LR"]
    kinds = {kind: f"ref{index}" for index, (kind, _) in enumerate(REF_KINDS)}
    environments = {name: f"env{index}" for index, name in enumerate(settings.environments)}
    for kind, node in kinds.items():
        lines.append(f'  {node}(["{kind}"])')
    for name, node in environments.items():
        lines.append(f'  {node}["{_environment_label(name, settings.environments[name])}"]')
    now = _edges(settings)
    then = _edges(before) if before is not None else now
    links: list[tuple[str, str, str]] = []  # (edge text, kind of link) in the order Mermaid numbers them
    for kind, _ in REF_KINDS:
        for name in settings.environments:
            edge = (kind, name)
            if edge in now:
                links.append((kinds[kind], environments[name], "new" if edge not in then else ""))
            elif edge in then:
                links.append((kinds[kind], environments[name], "removed"))
    highlighted = []
    for index, (source, target, state) in enumerate(links):
        if state == "new":
            lines.append(f"  {source} ==>|new| {target}")
            highlighted.append(index)
        elif state == "removed":
            lines.append(f"  {source} -.->|removed| {target}")
            highlighted.append(index)
        else:
            lines.append(f"  {source} --> {target}")
    if highlighted:
        lines.append(f"  linkStyle {','.join(map(str, highlighted))} {CHANGED_STYLE}")
    for name in sorted(changed_environments & environments.keys()):
        lines.append(f"  style {environments[name]} {CHANGED_STYLE}")
    return "\n".join(lines)

"""The release flow as Mermaid text, checked structurally: nodes, edges, labels, marked changes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from repoconf.concepts.flow import CHANGED_STYLE, deploys_from, flow, label
from repoconf.policy.loader import load

NODE = re.compile(r'^  (\w+)(?:\(\["|\[")(.*)(?:"\]\)|"\])$')
EDGE = re.compile(r"^  (\w+) (-->|==>\|new\||-\.->\|removed\|) (\w+)$")


def parse(text: str) -> tuple[dict[str, str], list[tuple[str, str, str]], list[str]]:
    """Node id → label, edges in order (source label, arrow, target name), the other lines."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    rest: list[str] = []
    for line in lines[1:]:
        if node := NODE.match(line):
            nodes[node.group(1)] = node.group(2)
        elif edge := EDGE.match(line):
            edges.append((edge.group(1), edge.group(2), edge.group(3)))
        else:
            rest.append(line)
    named = [
        (nodes[s], arrow, nodes[t].split("<br/>")[0].removeprefix("<b>").removesuffix("</b>"))
        for s, arrow, t in edges
    ]
    return nodes, named, rest


def test_the_shipped_flow(template: Path) -> None:
    settings = load(template).policy.repositories["widgets"]
    nodes, edges, rest = parse(flow(settings))
    assert set(nodes.values()) >= {"main", "other branches", "RC tags", "final tags", "other tags"}
    assert nodes["env3"] == (
        "<b>production-deploy</b><br/>reviewers: @senior-engineers, @devops<br/>no self-review<br/>"
        "secrets: PYPI_TOKEN"
    )
    assert nodes["env2"] == (
        "<b>production-release</b><br/>reviewers: @release-managers<br/>wait 30 min<br/>no self-review"
    )
    gated = {"qa", "production-release", "production-deploy"}
    assert {(source, target) for source, _, target in edges if target in gated} == {
        (kind, environment)
        for kind in ("RC tags", "final tags")  # tag-triggered: no branch reaches a gated environment
        for environment in gated
        if (kind, environment) != ("RC tags", "production-deploy")  # finals only: no RC reaches PyPI
    }
    assert {source for source, _, target in edges if target == "staging"} == {
        "main",
        "other branches",
        "RC tags",
        "final tags",
        "other tags",
    }
    assert all(arrow == "-->" for _, arrow, _ in edges)
    assert rest == []
    assert deploys_from(settings, "production-deploy") == ["final tags"]
    assert deploys_from(settings, "qa") == ["RC tags", "final tags"]


def test_changes_are_marked(template: Path, tmp_path: Path) -> None:
    before = load(template).policy.repositories["widgets"]
    changed = tmp_path / "p.yaml"
    finals, other = (
        "          - {versions: final, major: [1, 2, 4]}",
        '          - "v*-rc*"\n          - nightly',
    )
    text = template.read_text().replace(finals, other)
    changed.write_text(text)
    after = load(changed).policy.repositories["widgets"]
    _, edges, rest = parse(flow(after, before=before, changed_environments=frozenset({"production-deploy"})))
    marked = [(source, arrow, target) for source, arrow, target in edges if arrow != "-->"]
    assert marked == [
        ("RC tags", "==>|new|", "production-deploy"),
        ("final tags", "-.->|removed|", "production-deploy"),
        ("other tags", "==>|new|", "production-deploy"),
    ]
    indices = [index for index, edge in enumerate(edges) if edge in marked]
    assert rest == [
        f"  linkStyle {','.join(map(str, indices))} {CHANGED_STYLE}",
        f"  style env3 {CHANGED_STYLE}",
    ]


def test_labels_cannot_break_out_of_their_quotes() -> None:
    assert label('a "b" <c> & d') == "a #quot;b#quot; #lt;c#gt; #amp; d"


MMDC = os.environ.get("REPOCONF_MMDC")


@pytest.mark.skipif(not MMDC, reason="set REPOCONF_MMDC to mermaid-cli's mmdc (docs/guide.md) to render")
def test_a_real_mermaid_renderer_draws_it(template: Path, tmp_path: Path) -> None:
    settings = load(template).policy.repositories["widgets"]
    source = tmp_path / "flow.mmd"
    source.write_text(flow(settings, before=settings.model_copy(update={"environments": {}})))
    config = tmp_path / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": shutil.which("chromium"), "args": ["--no-sandbox"]}))
    picture = tmp_path / "flow.png"
    done = subprocess.run(
        [str(MMDC), "-p", str(config), "-i", str(source), "-o", str(picture)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert picture.stat().st_size > 10_000  # a drawing, not an error placeholder

"""Which files are missing and which required checks no workflow reports, from a tree and workflow texts."""

from __future__ import annotations

import base64

import pytest

from repoconf.concepts.content import (
    Content,
    LiveFileContent,
    check_content,
    job_names,
    missing_files,
    parse_workflows,
    produced_checks,
    workflow_paths,
)
from repoconf.policy.loader import load_text
from repoconf.policy.model import RepositorySettings

CI = """
name: ci
on:
  pull_request:
    branches: [main]
jobs:
  lint:
    name: Quality Checks
    runs-on: ubuntu-24.04
    steps: [{run: ruff check .}]
  tests:
    name: Unit Tests
    strategy:
      matrix:
        python: ["3.11", "3.12"]
    runs-on: ubuntu-24.04
    steps: [{run: pytest}]
"""


def content(
    files: dict[str, str | None], directories: tuple[str, ...] = (), complete: bool = True
) -> Content:
    workflows = {path: text for path, text in files.items() if path in workflow_paths(files)}
    return Content(frozenset(files), frozenset(directories), workflows, complete)


def settings(required: str, files: str = "[CHANGELOG.md]") -> RepositorySettings:
    text = f"""
version: 1
owner: acme
repositories:
  widgets:
    required_files: {files}
    branches:
      main:
        required_status_checks: {required}
"""
    return load_text(text, "p.yaml").policy.repositories["widgets"]


@pytest.mark.parametrize(
    ("wanted", "files", "directories", "missing"),
    [
        ("CHANGELOG.md", {"CHANGELOG.md"}, (), []),
        ("CHANGELOG.md", {"docs/CHANGELOG.md"}, (), ["CHANGELOG.md"]),
        ("tests/", {"tests/test_x.py"}, ("tests",), []),
        ("tests/", {"tests.py"}, (), ["tests/"]),
        ("src/**/__init__.py", {"src/pkg/__init__.py"}, (), []),
        ("src/**/__init__.py", {"src/__init__.py"}, (), []),  # `**/` matches zero directories too
        ("src/**/__init__.py", {"lib/pkg/__init__.py"}, (), ["src/**/__init__.py"]),
        ("*.toml", {"pyproject.toml"}, (), []),
        ("*.toml", {"sub/pyproject.toml"}, (), ["*.toml"]),  # a wildcard does not cross `/`
    ],
)
def test_missing_files(
    wanted: str, files: set[str], directories: tuple[str, ...], missing: list[str]
) -> None:
    found = Content(frozenset(files), frozenset(directories))
    assert missing_files([wanted], found) == missing


def test_workflow_paths_are_the_top_level_yaml_files() -> None:
    files = [".github/workflows/a.yml", ".github/workflows/b.yaml", ".github/workflows/x/c.yml", "ci.yml"]
    assert workflow_paths(files) == [".github/workflows/a.yml", ".github/workflows/b.yaml"]


def test_job_names_as_github_reports_them() -> None:
    assert job_names("lint", {}) == {"lint"}
    assert job_names("lint", {"name": "Quality Checks"}) == {"Quality Checks"}
    matrix = {"strategy": {"matrix": {"python": ["3.11", "3.12"], "os": ["ubuntu"]}}}
    assert job_names("t", {"name": "Unit Tests", **matrix}) == {
        "Unit Tests (3.11, ubuntu)",
        "Unit Tests (3.12, ubuntu)",
    }
    named = {"name": "Unit Tests", "strategy": {"matrix": {"include": [{"python": "3.13"}]}}}
    assert job_names("t", {**named, "name": "Tests on ${{ matrix.python }}"}) == {"Tests on 3.13"}


def test_produced_checks_follow_triggers_matrices_and_reusable_workflows() -> None:
    reusable = "on: workflow_call\njobs:\n  scan:\n    name: Scan\n    runs-on: x\n    steps: []\n"
    caller = "on: pull_request\njobs:\n  security:\n    name: Security\n    uses: ./.github/workflows/r.yml\n"
    tags_only = "on:\n  push:\n    tags: ['v*']\njobs:\n  it:\n    name: Integration Tests\n    runs-on: x\n"
    other_branch = "on:\n  pull_request:\n    branches: [develop]\njobs:\n  s:\n    name: Security Scans\n"
    workflows = {
        ".github/workflows/ci.yaml": CI,
        ".github/workflows/r.yml": reusable,
        ".github/workflows/caller.yml": caller,
        ".github/workflows/tags.yml": tags_only,
        ".github/workflows/develop.yml": other_branch,
    }
    parsed = parse_workflows(workflows)
    assert parsed.unreadable == []
    produced = produced_checks(parsed, "main")
    assert produced == {"Quality Checks", "Unit Tests (3.11)", "Unit Tests (3.12)", "Security / Scan"}


def test_a_misnamed_job_is_a_missing_producer_and_a_file_is_missing() -> None:
    misnamed = CI.replace("Quality Checks", "Quality Check")
    found = check_content(
        settings("[Quality Checks, Unit Tests (3.12)]"),
        content({".github/workflows/ci.yaml": misnamed}),
    )
    assert found.missing_files == ["CHANGELOG.md"]
    assert found.missing_checks == ["Quality Checks"]
    assert found.unverified == []


def test_unreadable_workflows_and_truncated_trees_are_unverified_not_drift() -> None:
    policy = settings("[Quality Checks]")
    found = check_content(policy, content({".github/workflows/ci.yaml": None}))
    assert found.missing_checks == []
    assert found.unverified == ["check_producers.Quality Checks"]
    found = check_content(policy, content({"README.md": ""}, complete=False))
    assert (found.missing_files, found.missing_checks) == ([], [])
    assert found.unverified == ["check_producers.Quality Checks", "required_files.CHANGELOG.md"]


def test_checks_of_another_app_are_not_expected_from_workflows() -> None:
    found = check_content(
        settings("[{context: ci/circleci, app_id: 1234}]", "[]"),
        content({}),
    )
    assert (found.missing_files, found.missing_checks, found.unverified) == ([], [], [])


def test_file_content_is_decoded_only_when_github_sent_it() -> None:
    encoded = base64.b64encode(b"on: pull_request\n").decode()
    wrapped = encoded[:8] + "\n" + encoded[8:] + "\n"
    assert LiveFileContent(type="file", encoding="base64", content=wrapped).text() == "on: pull_request\n"
    assert LiveFileContent(type="file", encoding="none", content="").text() is None  # above 1 MB
    assert LiveFileContent(type="dir").text() is None
    bad = base64.b64encode(b"\xff\xfe").decode()
    assert LiveFileContent(type="file", encoding="base64", content=bad).text() is None


def test_a_workflow_github_cannot_parse_reports_nothing() -> None:
    parsed = parse_workflows(
        {".github/workflows/bad.yml": "on: [pull_request\njobs:", ".github/workflows/x.yml": None}
    )
    assert (dict(parsed.documents), parsed.unreadable) == ({}, [".github/workflows/x.yml"])
    assert produced_checks(parsed, "main") == set()

"""The release workflow's checks: tag ↔ version (PEP 440), not already on the index, CHANGELOG notes.

The scripts are run as the runner runs them (a Python process with GITHUB_OUTPUT and the step's
environment) against fixture package trees and a loopback index; and the `id: version` step is taken
out of `repoconf workflow release` itself and run with bash.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from repoconf.cli.main import main
from repoconf.workflows.release import step_script
from tests.conftest import TEMPLATE
from tests.workflows.runner import run_step as run_workflow_step
from tests.workflows.runner import step_env

TREES: dict[str, dict[str, str]] = {
    "static": {"pyproject.toml": '[project]\nname = "Demo-Pkg"\nversion = "1.2.3"\n'},
    "setuptools attr": {
        "pyproject.toml": '[project]\nname = "demo"\ndynamic = ["version"]\n'
        '[tool.setuptools.dynamic]\nversion = {attr = "demo.__version__"}\n',
        "src/demo/__init__.py": '"""Demo."""\n\n__version__ = "1.2.3"\n',
    },
    "hatch path": {
        "pyproject.toml": '[project]\nname = "demo"\ndynamic = ["version"]\n'
        '[tool.hatch.version]\npath = "src/demo/__about__.py"\n',
        "src/demo/__about__.py": '__version__: str = "1.2.3"\n',
    },
    "src package": {
        "pyproject.toml": '[project]\nname = "demo"\ndynamic = ["version"]\n',
        "src/demo/__init__.py": '__version__ = "1.2.3rc2"\n',
    },
    "setuptools-scm": {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools>=64", "setuptools-scm>=8"]\n'
        '[project]\nname = "demo"\ndynamic = ["version"]\n[tool.setuptools_scm]\n',
    },
    "hatch-vcs": {
        "pyproject.toml": '[project]\nname = "demo"\ndynamic = ["version"]\n'
        '[tool.hatch.version]\nsource = "vcs"\n',
    },
    "no version": {"pyproject.toml": '[project]\nname = "demo"\ndynamic = ["version"]\n'},
    "not PEP 440": {"pyproject.toml": '[project]\nname = "demo"\nversion = "one"\n'},
    "not a name": {"pyproject.toml": '[project]\nname = "demo/../x"\nversion = "1.2.3"\n'},
}


def tree(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name.replace(" ", "-")
    for relative, text in TREES[name].items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def run_step(name: str, cwd: Path, env: dict[str, str]) -> tuple[int, str, dict[str, str]]:
    output = cwd / "github-output.txt"
    output.write_text("")
    script = step_script(name)  # as inlined into the workflow
    done = subprocess.run(
        [sys.executable, "-"],
        input=script,
        cwd=cwd,
        env={"PATH": os.environ["PATH"], **env, "GITHUB_OUTPUT": str(output)},
        capture_output=True,
        text=True,
        check=False,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return done.returncode, done.stdout + done.stderr, outputs


@pytest.mark.parametrize(
    ("name", "tag", "outputs"),
    [
        (
            "static",
            "v1.2.3",
            {
                "version": "1.2.3",
                "prerelease": "false",
                "final": "1.2.3",
                "project": "demo-pkg",
                "version_file": "",
            },
        ),
        (
            "setuptools attr",
            "v1.2.3",
            {
                "version": "1.2.3",
                "source": "__version__ in src/demo/__init__.py",
                "version_file": "src/demo/__init__.py",
            },
        ),
        ("hatch path", "v1.2.3", {"version": "1.2.3", "source": "__version__ in src/demo/__about__.py"}),
        ("src package", "v1.2.3-rc2", {"version": "1.2.3rc2", "prerelease": "true", "final": "1.2.3"}),
        (
            "setuptools-scm",
            "v2.0.0-rc1",
            {"version": "2.0.0rc1", "source": "the tag itself (setuptools-scm / hatch-vcs)"},
        ),
        ("hatch-vcs", "v10.20.300", {"version": "10.20.300", "prerelease": "false"}),
    ],
)
def test_tag_and_version_agree(tmp_path: Path, name: str, tag: str, outputs: dict[str, str]) -> None:
    code, printed, found = run_step("release_version", tree(tmp_path, name), {"TAG": tag})
    assert code == 0, printed
    assert outputs.items() <= found.items()


@pytest.mark.parametrize(
    ("name", "tag", "error"),
    [
        (
            "static",
            "v1.2.3-rc1",
            "tag v1.2.3-rc1 is version 1.2.3rc1, but pyproject.toml [project] version says "
            "1.2.3: set it to 1.2.3rc1 and tag again",
        ),
        (
            "static",
            "v1.2.4",
            "tag v1.2.4 is version 1.2.4, but pyproject.toml [project] version says 1.2.3: "
            "set it to 1.2.4 and tag again",
        ),
        (
            "src package",
            "v1.2.3",
            "tag v1.2.3 is version 1.2.3, but __version__ in src/demo/__init__.py says "
            "1.2.3rc2: set it to 1.2.3 and tag again",
        ),
        ("static", "v1.2", "tag v1.2 is neither vX.Y.Z nor vX.Y.Z-rcN"),
        ("static", "v1.2.3-beta1", "tag v1.2.3-beta1 is neither vX.Y.Z nor vX.Y.Z-rcN"),
        ("static", "1.2.3", "tag 1.2.3 is neither vX.Y.Z nor vX.Y.Z-rcN"),
        ("no version", "v1.2.3", "cannot find the package's version"),
        (
            "not PEP 440",
            "v1.2.3",
            "pyproject.toml [project] version is 'one', which is not a PEP 440 version",
        ),
        ("not a name", "v1.2.3", "pyproject.toml [project] name 'demo/../x' is not a project name (PEP 508)"),
    ],
)
def test_a_mismatch_fails_at_once_in_one_line(tmp_path: Path, name: str, tag: str, error: str) -> None:
    code, printed, found = run_step("release_version", tree(tmp_path, name), {"TAG": tag})
    assert code == 1
    [line] = printed.splitlines()
    assert line.startswith(f"::error::{error}")
    assert found == {}


class Index:
    """A loopback package index answering the JSON API with a status per path."""

    def __init__(self) -> None:
        self.statuses: dict[str, int] = {}
        self.asked: list[str] = []
        index = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                index.asked.append(self.path)
                status = index.statuses.get(self.path, 404)
                body = json.dumps({"info": {"version": "x"}} if status == 200 else {"message": "Not Found"})
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *_: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def index() -> Iterator[Index]:
    served = Index()
    yield served
    served.server.shutdown()


def test_a_free_version_passes(index: Index, tmp_path: Path) -> None:
    code, printed, _ = run_step(
        "index_free", tmp_path, {"INDEX_URL": index.url, "PROJECT": "demo", "VERSION": "1.2.3"}
    )
    assert code == 0, printed
    assert index.asked == ["/pypi/demo/1.2.3/json"]


def test_an_existing_version_fails_with_its_url(index: Index, tmp_path: Path) -> None:
    index.statuses["/pypi/demo/1.2.3rc1/json"] = 200
    env = {"INDEX_URL": index.url, "PROJECT": "demo", "VERSION": "1.2.3rc1"}
    code, printed, _ = run_step("index_free", tmp_path, env)
    assert code == 1
    assert printed.strip() == (
        f"::error::demo 1.2.3rc1 already exists on {index.url}: {index.url}/project/demo/1.2.3rc1/ — bump "
        "the version (an index never accepts the same file twice)"
    )


CHANGELOG = """# Changelog

## [Unreleased]

## [1.2.3] - 2026-11-25
### Fixed
- A bug.

## [1.2.2] - 2026-10-01
- Older.

[1.2.3]: https://github.com/acme/demo/compare/v1.2.2...v1.2.3
"""


@pytest.mark.parametrize(("final", "expected"), [("1.2.3", "### Fixed\n- A bug.\n"), ("1.2.2", "- Older.\n")])
def test_the_changelog_section_becomes_the_notes(tmp_path: Path, final: str, expected: str) -> None:
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG)
    code, printed, _ = run_step("changelog_notes", tmp_path, {"FINAL": final, "NOTES": "notes.md"})
    assert code == 0, printed
    assert (tmp_path / "notes.md").read_text() == expected


@pytest.mark.parametrize(
    ("changelog", "error"),
    [
        (CHANGELOG, "CHANGELOG.md has no `## [1.3.0]` section: write the release notes there before tagging"),
        ("## [1.3.0]\n\n## [1.2.3]\n", "CHANGELOG.md's `## [1.3.0]` section is empty"),
        (None, "CHANGELOG.md is missing: add it with a `## [1.3.0] - YYYY-MM-DD` section"),
    ],
)
def test_no_section_no_release(tmp_path: Path, changelog: str | None, error: str) -> None:
    if changelog is not None:
        (tmp_path / "CHANGELOG.md").write_text(changelog)
    code, printed, _ = run_step("changelog_notes", tmp_path, {"FINAL": "1.3.0", "NOTES": "notes.md"})
    assert code == 1
    assert printed.startswith(f"::error::{error}")


def version_step(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["workflow", "release", str(TEMPLATE)]) == 0
    workflow = yaml.safe_load(capsys.readouterr().out)
    [step] = [step for step in workflow["jobs"]["build"]["steps"] if step.get("id") == "version"]
    return dict(step)


@pytest.mark.parametrize(
    ("version", "tag", "code", "prerelease"),
    [
        ("1.2.3", "v1.2.3-rc2", 1, None),
        ("1.2.3rc2", "v1.2.3-rc2", 0, "true"),
        ("1.2.3", "v1.2.3", 0, "false"),
    ],
)
def test_the_generated_step_runs_as_the_runner_runs_it(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    version: str,
    tag: str,
    code: int,
    prerelease: str | None,
) -> None:
    step = version_step(capsys)
    assert step["shell"] == "python"
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "demo"\nversion = "{version}"\n')
    output = tmp_path / "out.txt"
    output.write_text("")
    env = step_env(step, {"${{ github.ref_name }}": tag}) | {"GITHUB_OUTPUT": str(output)}
    done = run_workflow_step(step, tmp_path, env)
    assert done.returncode == code, done.stdout + done.stderr
    if prerelease is None:
        assert done.stdout.startswith(f"::error::tag {tag} is version 1.2.3rc2, but pyproject.toml")
    else:
        assert f"prerelease={prerelease}" in output.read_text().splitlines()


def test_the_release_notes_reach_both_releases(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["workflow", "release", str(TEMPLATE)]) == 0
    text = capsys.readouterr().out
    assert "--generate-notes" not in text
    assert text.count("--notes-file release-notes.md") == 2  # the draft pre-release and the draft release
    workflow = yaml.safe_load(text)
    names = [step.get("name", "") for step in workflow["jobs"]["build"]["steps"]]
    # every check runs in the build job, before the job that asks for approvals
    assert names.index("Check the version is not on the index yet (before any approval)") < names.index(
        "Build sdist and wheel"
    )
    assert workflow["jobs"]["candidate"]["needs"] == "build"

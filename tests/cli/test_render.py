"""`repoconf render` as a user runs it: no credentials, every format, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from repoconf.cli.main import main
from tests.conftest import shipped_resources


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_shape(capsys: pytest.CaptureFixture[str], template: Path) -> None:
    code, out, _ = run(capsys, "render", str(template), "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["summary"] == {
        "repositories": 1,
        "resources": shipped_resources(),
        "lookups": {"fake_ids": True, "users": 0, "teams": 4, "repositories": 0},
    }
    for resource in document["resources"]:
        assert set(resource) == {"type", "name", "parent", "inputs", "options"}
        assert set(resource["options"]) == {"protect", "import", "depends_on"}
    secret = next(r for r in document["resources"] if r["name"] == "widgets/secret/CODECOV_TOKEN")
    assert secret == {
        "type": "github:index/actionsSecret:ActionsSecret",
        "name": "widgets/secret/CODECOV_TOKEN",
        "parent": "widgets",
        "inputs": {"repository": "widgets", "secretName": "CODECOV_TOKEN", "value": "[secret]"},
        "options": {"protect": False, "import": None, "depends_on": []},
    }


def test_table_and_markdown(capsys: pytest.CaptureFixture[str], template: Path) -> None:
    code, out, _ = run(capsys, "render", str(template))
    assert code == 0
    assert "RepositoryEnvironment                  widgets/production-deploy" in out
    assert "stable fake ids" in out
    assert out.count('"value": "[secret]"') == 2  # TEST_PYPI_TOKEN and CODECOV_TOKEN; PYPI_TOKEN is external
    code, out, _ = run(capsys, "render", str(template), "--format", "markdown")
    assert code == 0
    assert out.startswith("## repoconf render\n")
    assert "### `widgets`" in out
    assert "| RepositoryRuleset | `widgets/release-tags` | protect |" in out


def test_repo_filter_and_unknown_repo(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, "render", str(data / "merge.yaml"), "--repo", "gadgets", "--format", "json")
    assert code == 0
    names = [r["name"] for r in json.loads(out)["resources"]]
    assert "gadgets" in names
    assert not [n for n in names if n.startswith("widgets")]
    code, _, err = run(capsys, "render", str(data / "merge.yaml"), "--repo", "nope")
    assert code == 2
    assert "--repo: nope not in the policy (it has: gadgets, widgets)" in err


def test_invalid_policy_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("version: 1\nowner: acme\nrepositories: {w: {secrets: {T: hunter2}}}\n")
    code, out, err = run(capsys, "render", str(policy))
    assert code == 2
    assert out == ""
    assert "repositories.w.secrets.T: a secret must name its source" in err
    assert "hunter2" not in err


def test_render_needs_no_credentials_or_network(template: Path, tmp_path: Path) -> None:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GITHUB_", "GH_", "PULUMI_", "CODECOV"))
    }
    # An unroutable proxy: any attempt to reach the network would fail loudly.
    environment |= {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    result = subprocess.run(
        [sys.executable, "-m", "repoconf.cli.main", "render", str(template)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert f"{shipped_resources()} resources" in result.stdout


def test_what_the_default_branch_must_hold_is_shown(
    capsys: pytest.CaptureFixture[str], template: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "render", str(template), "--format", "json")
    assert json.loads(out)["content"] == {
        "widgets": {
            "required_files": [
                ".github/workflows/release.yaml",
                ".github/actions/",
                "src/**/__init__.py",
                "tests/",
                "CHANGELOG.md",
                "pyproject.toml",
            ],
            "check_producers": ["Integration Tests", "Quality Checks", "Security Scans", "Unit Tests"],
        }
    }
    policy = tmp_path / "p.yaml"
    names = ["a1", "a2", "a3", "a4", "a5"]
    policy.write_text(
        template.read_text()
        + "".join(f"  {name}: {{}}\n" for name in names)
        + "  bare: {required_files: [], branches: null}\n"
    )
    code, out, _ = run(capsys, "render", str(policy))
    assert code == 0
    lines = out.splitlines()
    start = lines.index(
        "The default branch must hold these (the audit checks them; Pulumi creates no files):"
    )
    assert lines[start + 1].startswith("  widgets, a1, a2 and 3 more: files .github/workflows/release.yaml, ")
    assert lines[start + 1].endswith("check: Integration Tests, Quality Checks, Security Scans, Unit Tests")
    assert lines[start + 2] == ""  # one line for six repositories alike; none for `bare`, which needs nothing
    code, out, _ = run(capsys, "render", str(policy), "--format", "markdown")
    assert "- `widgets`, `a1`, `a2` and 3 more: files `.github/workflows/release.yaml`, " in out


def test_markdown_opens_each_repository_with_its_flow_and_settings(
    capsys: pytest.CaptureFixture[str], template: Path
) -> None:
    code, out, _ = run(capsys, "render", str(template), "--format", "markdown")
    assert code == 0
    section = out[out.index("### `widgets`") :]
    fence = section.index("```mermaid\nflowchart LR\n")
    table = section.index("| environment | reviewers | wait | deploys from | secrets | variables |")
    details = section.index(f"<details><summary>{shipped_resources() - 1} resources</summary>")
    assert fence < table < details < section.index("</details>")
    assert (
        "| production\\-deploy | senior\\-engineers, devops | \\- | final tags | "
        "PYPI\\_TOKEN | \\- |" in section
    )
    assert "| production\\-release | release\\-managers | 30 min |" in section


def test_repo_is_found_whatever_its_case(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    """GitHub compares repository names case-insensitively: `--repo GADGETS` is the policy's `gadgets`."""
    code, out, _ = run(capsys, "render", str(data / "merge.yaml"), "--repo", "GADGETS", "--format", "json")
    assert code == 0
    assert "gadgets" in [r["name"] for r in json.loads(out)["resources"]]

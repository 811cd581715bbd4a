"""`repoconf workflow ci`: one job per required check, named exactly as the branch rule expects."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from repoconf.cli.main import main
from repoconf.policy.loader import load
from tests.conftest import TEMPLATE
from tests.workflows.actionlint import actionlint

HEAD = "version: 1\nowner: acme\nrepositories:\n  w:\n    branches:\n      main:\n"


def generate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["workflow", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_jobs_are_mains_required_checks(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = generate(capsys, "ci", str(TEMPLATE))
    assert code == 0, err
    workflow = yaml.safe_load(out)
    names = [job["name"] for job in workflow["jobs"].values()]
    required = [
        context
        for context, _ in load(TEMPLATE).policy.repositories["widgets"].branches["main"].check_contexts()
    ]
    assert sorted(names) == sorted(required)
    assert set(workflow[True]) == {"pull_request", "push", "workflow_call"}  # YAML 1.1 reads `on` as true
    assert workflow[True]["pull_request"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert "@" in step["uses"]
                assert len(step["uses"].split("@")[1].split()[0]) == 40  # pinned by commit SHA
    unit = workflow["jobs"]["unit-tests"]
    assert any("--cov" in step.get("run", "") for step in unit["steps"])
    assert any(step.get("with", {}).get("token") == "${{ secrets.CODECOV_TOKEN }}" for step in unit["steps"])
    security = " ".join(step.get("run", "") for step in workflow["jobs"]["security-scans"]["steps"])
    assert "pip-audit" in security
    assert "bandit" in security
    # the release workflow calls it: both are actionlint-clean side by side, as in the repository
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yaml").write_text(out)
    code, release, _ = generate(capsys, "release", str(TEMPLATE))
    assert code == 0
    (workflows / "release.yaml").write_text(release)
    result = actionlint(workflows / "ci.yaml", workflows / "release.yaml")
    assert result.returncode == 0, result.stdout


def test_the_release_runs_the_same_checks(capsys: pytest.CaptureFixture[str]) -> None:
    _, release, _ = generate(capsys, "release", str(TEMPLATE))
    jobs = yaml.safe_load(release)["jobs"]
    assert jobs["checks"]["uses"] == "$/.github/workflows/ci.yaml"  # this repository, the running commit
    assert jobs["build"]["needs"] == "checks"
    assert "quality" not in jobs


def test_a_check_without_a_recipe_is_a_located_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(HEAD + "        required_status_checks: [Unit Tests, Security Scan]\n")
    for kind in ("ci", "release"):
        code, out, err = generate(capsys, kind, str(policy))
        assert code == 2
        assert out == ""
        line = next(line for line in err.splitlines() if "Security Scan" in line)
        assert line.startswith(
            f"{policy}:7:46: error: repositories.w.branches.main.required_status_checks[1]: "
        )
        assert "no recipe for required check 'Security Scan'" in line


def test_a_check_another_app_reports_is_left_to_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        HEAD + "        required_status_checks: [Unit Tests, {context: Unit Tests (3.12), app_id: 99},"
        " {context: Quality Checks, app_id: 15368}]\n"
    )
    code, out, err = generate(capsys, "ci", str(policy))
    assert code == 0, err
    assert sorted(job["name"] for job in yaml.safe_load(out)["jobs"].values()) == [
        "Quality Checks",
        "Unit Tests",
    ]


def test_no_required_check_means_no_workflow(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(HEAD + "        required_approvals: 1\n")
    code, _, err = generate(capsys, "ci", str(policy))
    assert code == 2
    assert "no branch rule requires a status check" in err

"""This repository's own workflows: actionlint, least privilege, pinned actions, the right triggers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tests.workflows.actionlint import actionlint

WORKFLOWS = ROOT / ".github" / "workflows"
PINNED = re.compile(r"^\s*(?:-\s*)?uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def load(name: str) -> dict[Any, Any]:
    document = yaml.safe_load((WORKFLOWS / name).read_text())
    assert isinstance(document, dict)
    return document


def test_actionlint_accepts_every_workflow() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["deploy.yml", "drift.yml", "preview.yml"]
    result = actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    assert actionlint(broken).returncode != 0


@pytest.mark.parametrize("name", ["deploy.yml", "drift.yml", "preview.yml"])
def test_actions_pinned_by_sha_with_version(name: str) -> None:
    lines = [line for line in (WORKFLOWS / name).read_text().splitlines() if "uses:" in line]
    assert lines
    for line in lines:
        assert PINNED.match(line), line


@pytest.mark.parametrize("name", ["deploy.yml", "drift.yml", "preview.yml"])
def test_least_privilege_and_one_run_at_a_time(name: str) -> None:
    workflow = load(name)
    assert workflow["permissions"]["contents"] == "read"
    assert set(workflow["permissions"]) <= {"contents", "pull-requests", "issues"}
    assert "group" in workflow["concurrency"]


def test_preview_runs_on_pull_requests_touching_the_policy() -> None:
    workflow = load("preview.yml")
    triggers = workflow[True]  # YAML 1.1 reads `on` as true
    assert set(triggers) == {"pull_request"}
    assert set(triggers["pull_request"]["paths"]) == {
        "config/**",
        "infra/**",
        "src/**",
        "Pulumi*.yaml",
        "pyproject.toml",
    }
    assert "pull_request_target" not in (WORKFLOWS / "preview.yml").read_text().replace(
        "never `pull_request_target`", ""
    )
    steps = workflow["jobs"]["preview"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert "python3.11 -m venv .venv && . .venv/bin/activate && pip install -e ." in runs
    assert ".venv/bin/repoconf validate --strict" in runs
    assert '.venv/bin/repoconf render --format markdown >> "$GITHUB_STEP_SUMMARY"' in runs
    diff = next(step for step in steps if "repoconf diff" in step.get("run", ""))
    assert '"git:origin/$BASE_REF:config/policy.yaml" config/policy.yaml' in diff["run"]
    assert diff["env"] == {"BASE_REF": "${{ github.base_ref }}"}  # not expanded into the script
    assert steps[0]["with"]["fetch-depth"] == 0
    assert "secrets." not in json.dumps(diff)
    comment = next(step for step in steps if "repoconf pr-comment" in step.get("run", ""))
    assert comment["env"]["GITHUB_TOKEN"] == "${{ github.token }}"  # no secret
    assert comment["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    assert '--body-file "$RUNNER_TEMP/diff.md"' in comment["run"]
    assert workflow["concurrency"]["cancel-in-progress"] is True


def test_the_pull_request_preview_holds_no_secret_that_matters() -> None:
    """It runs the pull request's own code: no stack, no passphrase, no write token, no PyPI token."""
    text = (WORKFLOWS / "preview.yml").read_text()
    assert set(re.findall(r"secrets\.(\w+)", text)) == {"REPOCONF_READ_TOKEN"}
    assert "pulumi/actions" not in text
    assert "PULUMI_CONFIG_PASSPHRASE" not in text.split("name: preview", 1)[1]
    job = load("preview.yml")["jobs"]["preview"]
    assert "environment" not in job
    live = next(step for step in job["steps"] if "repoconf audit" in step.get("run", ""))
    assert live["env"] == {"GITHUB_TOKEN": "${{ secrets.REPOCONF_READ_TOKEN }}"}
    assert live["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    assert 'test "$status" -le 1' in live["run"]


def test_drift_runs_on_schedule_and_demand() -> None:
    workflow = load("drift.yml")
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}
    steps = workflow["jobs"]["drift"]["steps"]
    pulumi = next(step for step in steps if "pulumi/actions" in step.get("uses", ""))
    assert pulumi["with"]["refresh"] is True
    assert pulumi["with"]["expect-no-changes"] is True
    assert pulumi["continue-on-error"] is True
    text = (WORKFLOWS / "drift.yml").read_text()
    assert 'repoconf audit ${owner:+--owner "$owner"} --format markdown' in text
    # the step audits the organization the stack manages: its one-liner, run on the real stack file
    audit = next(step for step in steps if step.get("id") == "audit")
    one_liner = next(line for line in audit["run"].splitlines() if line.strip().startswith("owner=$("))
    code = one_liner.split("-c '", 1)[1].split("' ", 1)[0]
    found = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "Pulumi.staging.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == "acme-sandbox"
    assert ".venv/bin/repoconf drift-issue" in text
    assert workflow["permissions"]["issues"] == "write"
    # main's code only, in an environment whose secrets no pull request's run can reach; read-only
    assert workflow["jobs"]["drift"]["environment"] == "repoconf-drift"
    assert set(re.findall(r"secrets\.(\w+)", text)) == {
        "REPOCONF_READ_TOKEN",
        "PULUMI_CONFIG_PASSPHRASE",
        "CODECOV_TOKEN",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    }


def test_deploy_behind_an_environment_one_at_a_time() -> None:
    workflow = load("deploy.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
    job = workflow["jobs"]["up"]
    assert job["environment"] == "repoconf-deploy"
    assert workflow["concurrency"] == {"group": "deploy", "cancel-in-progress": False}
    pulumi = next(step for step in job["steps"] if "pulumi/actions" in step.get("uses", ""))
    assert pulumi["with"]["command"] == "up"

"""This repository's own workflows: actionlint, least privilege, pinned actions, the right triggers."""

from __future__ import annotations

import json
import re
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


INSTALL = "python3.11 -m venv .venv && .venv/bin/pip install -r requirements.txt"
MATRIX = {"fail-fast": False, "matrix": "${{ fromJSON(needs.stacks.outputs.matrix) }}"}
"""One job per stack of `repoconf stacks`, none cancelled when another fails."""


@pytest.mark.parametrize("name", ["deploy.yml", "drift.yml", "preview.yml"])
def test_the_stacks_job_gives_the_matrix_of_repoconf_stacks(name: str) -> None:
    job = load(name)["jobs"]["stacks"]
    step = next(step for step in job["steps"] if step.get("id") == "stacks")
    # the command's own exit status fails the step (an assignment, not inside echo's arguments)
    assert step["run"].splitlines() == [
        'matrix=$(.venv/bin/repoconf stacks --stack "$STACK")',
        'echo "matrix=$matrix" >> "$GITHUB_OUTPUT"',
    ]
    assert job["outputs"] == {"matrix": "${{ steps.stacks.outputs.matrix }}"}
    assert job["env"]["STACK"] == "${{ vars.PULUMI_STACK || 'staging' }}"
    assert "secrets." not in json.dumps(job)


PATHS = {
    "config/**",
    "infra/**",
    "imports/**",
    "Pulumi*.yaml",
    "requirements.txt",
    "src/**",
    "pyproject.toml",
}


def test_preview_runs_on_pull_requests_touching_the_policy() -> None:
    workflow = load("preview.yml")
    triggers = workflow[True]  # YAML 1.1 reads `on` as true
    assert set(triggers) == {"pull_request"}
    assert set(triggers["pull_request"]["paths"]) == PATHS
    assert "pull_request_target" not in (WORKFLOWS / "preview.yml").read_text().replace(
        "never `pull_request_target`", ""
    )
    steps = workflow["jobs"]["preview"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert INSTALL in runs
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
    jobs = load("preview.yml")["jobs"]
    assert all("environment" not in job for job in jobs.values())
    # the live preview: once per stack (the stack, or its group stacks), never for a fork's pull request
    same_repository = "github.event.pull_request.head.repo.full_name == github.repository"
    assert jobs["stacks"]["if"] == same_repository
    assert jobs["live"]["needs"] == "stacks"  # skipped with it for a fork
    assert jobs["stacks"]["env"]["STACK"] == "${{ vars.PULUMI_STACK || 'staging' }}"
    assert jobs["live"]["strategy"] == MATRIX
    assert jobs["live"]["env"]["STACK"] == "${{ matrix.stack }}"
    live = next(step for step in jobs["live"]["steps"] if "repoconf audit" in step.get("run", ""))
    assert live["env"] == {"GITHUB_TOKEN": "${{ secrets.REPOCONF_READ_TOKEN }}"}
    # the stack's owner and policy, as drift audits them, not the policy's owner
    assert '.venv/bin/repoconf audit --stack "$STACK"' in live["run"]
    assert 'test "$status" -le 1' in live["run"]
    assert jobs["preview"]["permissions"] == {"contents": "read", "pull-requests": "write"}


def test_drift_is_the_audit_of_the_stack_with_a_read_only_token() -> None:
    workflow = load("drift.yml")
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}
    text = (WORKFLOWS / "drift.yml").read_text()
    assert "pulumi" not in text.replace("`pulumi preview --refresh`", "")  # the refresh is not the verdict
    jobs = workflow["jobs"]
    assert list(jobs) == ["stacks", "drift", "issue"]
    assert jobs["drift"]["strategy"] == MATRIX
    assert jobs["drift"]["env"]["STACK"] == "${{ matrix.stack }}"
    steps = jobs["drift"]["steps"]
    audit = next(step for step in steps if step.get("id") == "audit")
    assert '.venv/bin/repoconf audit --stack "$STACK"' in audit["run"]
    assert ".venv/bin/repoconf drift-issue" in json.dumps(jobs["issue"])
    assert "--pulumi-outcome" not in text
    # only the issue job writes, and only issues; it runs whatever the stacks' jobs did
    assert workflow["permissions"] == {"contents": "read"}
    assert jobs["issue"]["permissions"] == {"contents": "read", "issues": "write"}
    assert jobs["issue"]["needs"] == ["stacks", "drift"]
    assert jobs["issue"]["if"] == "${{ !cancelled() && needs.stacks.result == 'success' }}"
    # main's code only, in an environment whose secret no pull request's run can reach; read-only
    assert jobs["drift"]["environment"] == "repoconf-drift"
    assert "environment" not in jobs["issue"]
    # its own token: the cache it trusts is keyed with it, and no pull request's run holds it
    assert set(re.findall(r"secrets\.(\w+)", text)) == {"REPOCONF_DRIFT_TOKEN"}
    assert "secrets." not in json.dumps(jobs["issue"])
    verdict = steps[-1]
    assert verdict["name"] == "Verdict"
    assert "exit 1" in verdict["run"]


def test_deploy_plans_then_waits_for_approval_then_applies_that_plan() -> None:
    workflow = load("deploy.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
    assert set(workflow[True]["push"]["paths"]) == PATHS
    assert workflow["concurrency"] == {"group": "deploy", "cancel-in-progress": False}
    plan, apply = workflow["jobs"]["plan"], workflow["jobs"]["apply"]
    assert list(workflow["jobs"]) == ["stacks", "plan", "apply"]
    assert "environment" in plan
    assert plan["environment"] == "repoconf-plan"
    assert apply["environment"] == "repoconf-deploy"  # the approval
    assert apply["needs"] == ["stacks", "plan"]
    # one plan and one apply per stack; a stack whose plan failed has no plan artifact to apply, so its
    # apply fails alone and the others go on
    assert plan["strategy"] == MATRIX
    assert apply["strategy"] == {**MATRIX, "max-parallel": 4}
    assert apply["if"] == "${{ !cancelled() && needs.stacks.result == 'success' }}"
    assert plan["env"]["STACK"] == apply["env"]["STACK"] == "${{ matrix.stack }}"
    download = next(step for step in apply["steps"] if "download-artifact" in step.get("uses", ""))
    assert download["with"]["name"] == "plan-${{ matrix.stack }}"
    plan_run = next(step["run"] for step in plan["steps"] if "pulumi preview" in step.get("run", ""))
    # the committed adoptions first, so that the plan already holds them
    assert plan_run.index("pulumi import") < plan_run.index("pulumi preview")
    assert 'imports/"$STACK"/*.json' in plan_run
    assert '--save-plan "$RUNNER_TEMP/plan/plan.json"' in plan_run
    assert "$GITHUB_STEP_SUMMARY" in plan_run
    upload = next(step for step in plan["steps"] if "upload-artifact" in step.get("uses", ""))
    assert upload["with"]["name"] == "plan-${{ matrix.stack }}"
    apply_step = apply["steps"][-1]
    assert 'pulumi up --stack "$STACK" --yes --plan "$RUNNER_TEMP/plan/plan.json"' in apply_step["run"]
    # the plan job reads GitHub only; the write token is behind the approval
    plan_secrets = set(re.findall(r"secrets\.(\w+)", json.dumps(plan)))
    assert "REPOCONF_GITHUB_TOKEN" not in plan_secrets
    assert "REPOCONF_READ_TOKEN" in plan_secrets
    assert apply_step["env"]["GITHUB_TOKEN"] == "${{ secrets.REPOCONF_GITHUB_TOKEN }}"

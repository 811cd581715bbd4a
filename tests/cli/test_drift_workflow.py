"""The scheduled drift run, as GitHub Actions runs it, against the loopback GitHub with the documented
tokens: green on an unchanged organization, red after one setting changed.

The workflow is the one `repoconf new` writes (this repository's is the same file). Its jobs run in order
(the stacks, one drift job per stack of the matrix, the issue) and their `run:` steps are executed with
bash in a configuration repository `repoconf new` wrote, with the step's `env:` and the job's; the `${{ }}`
expressions they use are evaluated from a table (an unknown one fails the test, so the table cannot
silently fall behind the workflow). `uses:` steps (checkout, setup-python, the HTTP cache) and the
install step are what the runner provides: repoconf is the one under test; the artifact actions keep and
hand over files as the runner does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from repoconf.cli.main import main
from repoconf.ops.drift_issue import DEFAULT_AUTHOR, LABEL, MARKER, TITLE
from repoconf.policy.loader import load
from standin.github import FakeGitHub, FakeRepository
from tests.conftest import REQUIREMENT, TOKEN

READ_TOKEN = "github_pat_read_only_0123456789"
CONFIG_REPOSITORY = "acme/config"
RUN_URL = "https://github.com/acme/config/actions/runs/7"


def expressions(context: dict[str, str]) -> dict[str, str]:
    return {
        "vars.PULUMI_STACK || 'staging'": "staging",
        "secrets.REPOCONF_DRIFT_TOKEN": READ_TOKEN,
        "github.token": TOKEN,  # the run's own token: `issues: write` on the configuration repository
        "github.repository": CONFIG_REPOSITORY,
        "github.server_url": "https://github.com",
        "github.run_id": "7",
        **context,
    }


def evaluate(value: str, context: dict[str, str]) -> str:
    table = expressions(context)

    def one(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        assert expression in table, f"the test does not know ${{{{ {expression} }}}}"
        return table[expression]

    return re.sub(r"\$\{\{(.*?)\}\}", one, value)


@dataclass
class Run:
    """What a run of the workflow did: each job's outcome (``drift (staging-0)``), the steps run."""

    jobs: dict[str, bool] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def green(self) -> bool:
        return all(self.jobs.values())


def run_job(
    repository: Path, fake: FakeGitHub, runner: Path, job: dict[str, Any], context: dict[str, str], run: Run
) -> tuple[bool, dict[str, str]]:
    """Run one job's steps in order (a fresh runner directory); return its outcome and step outputs."""
    temp = runner / f"temp-{len(run.jobs)}"
    temp.mkdir()
    artifacts = runner / "artifacts"
    context = {**context, "runner.temp": str(temp)}
    outputs: dict[str, dict[str, str]] = {}
    base = {
        "PATH": os.environ["PATH"],
        "HOME": str(runner),
        "XDG_CACHE_HOME": str(runner / "cache"),
        "RUNNER_TEMP": str(temp),
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "GITHUB_API_URL": fake.base,
    }
    base.update({key: evaluate(str(value), context) for key, value in job.get("env", {}).items()})
    for step in job["steps"]:
        assert "if" not in step, "the test runs every step: a conditional one needs the runner's rules"
        steps = {
            f"steps.{name}.outputs.{key}": value
            for name, out in outputs.items()
            for key, value in out.items()
        }
        given = {
            key: evaluate(str(value), {**context, **steps}) for key, value in step.get("with", {}).items()
        }
        uses = step.get("uses", "")
        if uses.startswith("actions/upload-artifact@"):  # the runner keeps the files under the name
            shutil.copytree(given["path"], artifacts / given["name"])
            continue
        if uses.startswith("actions/download-artifact@"):  # every artifact matching, each in its folder
            for found in sorted(artifacts.glob(given["pattern"])):
                shutil.copytree(found, Path(given["path"]) / found.name)
            continue
        if "run" not in step or step["run"].startswith("python3.11 -m venv"):
            continue  # the runner's actions and the install: repoconf is installed already
        output = runner / f"output-{len(run.steps)}"
        output.write_text("")
        env = {**base, "GITHUB_OUTPUT": str(output)}
        env.update(
            {key: evaluate(str(value), {**context, **steps}) for key, value in step.get("env", {}).items()}
        )
        assert "${{" not in step["run"], "expressions belong in env:, never in the script"
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
            cwd=repository,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        run.steps.append(step["name"])
        if "id" in step:
            outputs[step["id"]] = dict(
                line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
            )
        if result.returncode != 0:
            return False, {}
    declared = job.get("outputs", {})
    steps = {
        f"steps.{name}.outputs.{key}": value for name, out in outputs.items() for key, value in out.items()
    }
    return True, {key: evaluate(str(value), {**context, **steps}) for key, value in declared.items()}


def run_drift(repository: Path, fake: FakeGitHub, runner: Path) -> Run:
    """The drift workflow's jobs as GitHub runs them: the stacks, one drift job per stack of the matrix
    (fail-fast off: each runs whatever the others do), then the issue job."""
    workflow = yaml.safe_load((repository / ".github" / "workflows" / "drift.yml").read_text())
    jobs = workflow["jobs"]
    run = Run()
    ok, outputs = run_job(repository, fake, runner, jobs["stacks"], {}, run)
    run.jobs["stacks"] = ok
    assert ok
    needs = {f"needs.stacks.outputs.{key}": value for key, value in outputs.items()}
    assert jobs["drift"]["strategy"] == {
        "fail-fast": False,
        "matrix": "${{ fromJSON(needs.stacks.outputs.matrix) }}",
    }
    for stack in json.loads(outputs["matrix"])["stack"]:
        ok, _ = run_job(repository, fake, runner, jobs["drift"], {**needs, "matrix.stack": stack}, run)
        run.jobs[f"drift ({stack})"] = ok
    assert jobs["issue"]["if"] == "${{ !cancelled() && needs.stacks.result == 'success' }}"
    run.jobs["issue"], _ = run_job(repository, fake, runner, jobs["issue"], needs, run)
    return run


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A configuration repository `repoconf new` wrote, with repoconf "installed" in its .venv."""
    directory = tmp_path / "config"
    assert main(["new", str(directory), "--owner", "acme", "--repo", "widgets", *REQUIREMENT]) == 0
    (directory / ".venv" / "bin").mkdir(parents=True)
    (directory / ".venv" / "bin" / "repoconf").symlink_to(Path(sys.executable).parent / "repoconf")
    return directory


@pytest.fixture
def organization(fake: FakeGitHub) -> FakeGitHub:
    """acme as `pulumi up` left it, with the configuration repository holding an old drift issue."""
    fake.read_token = READ_TOKEN
    fake.repositories["config"] = FakeRepository()
    # an earlier drift run's issue: written by the workflow token, with repoconf's marker
    fake.add_issue("config", TITLE, [LABEL], author=DEFAULT_AUTHOR, body=f"{MARKER}\nan earlier run")
    return fake


def open_drift_issues(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [
        issue
        for issue in fake.repositories["config"].issues
        if issue["state"] == "open" and LABEL in [label["name"] for label in issue["labels"]]
    ]


def test_an_unchanged_organization_is_green_and_closes_the_issue(
    repository: Path, organization: FakeGitHub, tmp_path: Path
) -> None:
    run = run_drift(repository, organization, tmp_path)
    assert run.jobs == {"stacks": True, "drift (staging)": True, "issue": True}, (
        tmp_path / "summary.md"
    ).read_text()
    assert "Verdict" in run.steps
    assert open_drift_issues(organization) == []
    summary = (tmp_path / "summary.md").read_text()
    assert "unverified" in summary.lower()  # the bypass actors a read-only token cannot see
    # every GitHub read of the audit used the read-only token; only the issue was written
    audit = [auth for path, auth in organization.requests if "/repos/acme/widgets" in path]
    assert audit
    assert set(audit) == {f"Bearer {READ_TOKEN}"}


def test_one_changed_setting_is_red_and_opens_the_issue(
    repository: Path, organization: FakeGitHub, tmp_path: Path
) -> None:
    organization.repositories["widgets"].environments["qa"].wait_timer = 5
    run = run_drift(repository, organization, tmp_path)
    assert run.jobs == {"stacks": True, "drift (staging)": False, "issue": True}
    [issue] = open_drift_issues(organization)
    assert "environments.qa.wait_timer" in str(issue["body"]).replace("\\", "")


def test_each_group_stack_is_a_job_whose_drift_hides_no_others(
    repository: Path, organization: FakeGitHub, tmp_path: Path
) -> None:
    """The policy in two group stacks: the stack of widgets drifts, the other one is green, and the one
    drift issue holds both stacks' reports."""
    from repoconf.policy.groups import group_of

    organization.deploy("gadgets", load(repository / "config" / "policy.yaml").policy.repositories["widgets"])
    policy = repository / "config" / "policy.yaml"
    policy.write_text(policy.read_text().replace("  widgets: {}", "  widgets: {}\n  gadgets: {}"))
    assert group_of("widgets", 2) != group_of("gadgets", 2)  # one repository in each stack
    for index in range(2):
        (repository / f"Pulumi.staging-{index}.yaml").write_text(
            f"config:\n  config:policy: config/policy.yaml\n  config:group: {index}/2\n"
        )
    organization.repositories["widgets"].environments["qa"].wait_timer = 5
    run = run_drift(repository, organization, tmp_path)
    drifted = f"drift (staging-{group_of('widgets', 2)})"
    clean = f"drift (staging-{group_of('gadgets', 2)})"
    assert run.jobs == {"stacks": True, drifted: False, clean: True, "issue": True}
    [issue] = open_drift_issues(organization)
    body = str(issue["body"]).replace("\\", "")
    assert f"## Stack {drifted[7:-1]}" in body
    assert f"## Stack {clean[7:-1]}" in body
    assert "environments.qa.wait_timer" in body

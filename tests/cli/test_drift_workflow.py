"""The scheduled drift run, as GitHub Actions runs it, against the loopback GitHub with the documented
tokens: green on an unchanged organization, red after one setting changed.

The workflow is the one `repoconf new` writes (this repository's is the same file). Its `run:` steps are
executed with bash in a configuration repository `repoconf new` wrote, in order, with the step's `env:`
and the job's; the `${{ }}` expressions they use are evaluated from a table (an unknown one fails the
test, so the table cannot silently fall behind the workflow). `uses:` steps (checkout, setup-python, the
HTTP cache) and the install step are what the runner provides: repoconf is the one under test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from repoconf.cli.main import main
from repoconf.ops.drift_issue import DEFAULT_AUTHOR, LABEL, MARKER, TITLE
from standin.github import FakeGitHub, FakeRepository
from tests.conftest import TOKEN

READ_TOKEN = "github_pat_read_only_0123456789"
CONFIG_REPOSITORY = "acme/config"
RUN_URL = "https://github.com/acme/config/actions/runs/7"


def expressions(outputs: dict[str, dict[str, str]]) -> dict[str, str]:
    return {
        "vars.PULUMI_STACK || 'staging'": "staging",
        "secrets.REPOCONF_DRIFT_TOKEN": READ_TOKEN,
        "github.token": TOKEN,  # the run's own token: `issues: write` on the configuration repository
        "github.repository": CONFIG_REPOSITORY,
        "github.server_url": "https://github.com",
        "github.run_id": "7",
        "steps.audit.outputs.exit": outputs.get("audit", {}).get("exit", ""),
    }


def evaluate(value: str, outputs: dict[str, dict[str, str]]) -> str:
    table = expressions(outputs)

    def one(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        assert expression in table, f"the test does not know ${{{{ {expression} }}}}"
        return table[expression]

    return re.sub(r"\$\{\{(.*?)\}\}", one, value)


def run_drift(repository: Path, fake: FakeGitHub, runner: Path) -> tuple[bool, list[str]]:
    """Run the drift job's steps; return whether the job succeeded and the names of the steps run."""
    workflow = yaml.safe_load((repository / ".github" / "workflows" / "drift.yml").read_text())
    job = workflow["jobs"]["drift"]
    outputs: dict[str, dict[str, str]] = {}
    ran: list[str] = []
    summary = runner / "summary.md"
    base = {
        "PATH": os.environ["PATH"],
        "HOME": str(runner),
        "XDG_CACHE_HOME": str(runner / "cache"),
        "RUNNER_TEMP": str(runner),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_API_URL": fake.base,
    }
    base.update({key: evaluate(str(value), outputs) for key, value in job.get("env", {}).items()})
    for step in job["steps"]:
        if "run" not in step or step["run"].startswith("python3.11 -m venv"):
            continue  # the runner's actions and the install: repoconf is installed already
        assert "if" not in step, "the test runs every step: a conditional one needs the runner's rules"
        output = runner / f"output-{len(ran)}"
        output.write_text("")
        env = {**base, "GITHUB_OUTPUT": str(output)}
        env.update({key: evaluate(str(value), outputs) for key, value in step.get("env", {}).items()})
        assert "${{" not in step["run"], "expressions belong in env:, never in the script"
        result = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", step["run"]],
            cwd=repository,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        ran.append(step["name"])
        if "id" in step:
            outputs[step["id"]] = dict(
                line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
            )
        if result.returncode != 0:
            return False, ran
    return True, ran


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A configuration repository `repoconf new` wrote, with repoconf "installed" in its .venv."""
    directory = tmp_path / "config"
    assert main(["new", str(directory), "--owner", "acme", "--repo", "widgets"]) == 0
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
    green, ran = run_drift(repository, organization, tmp_path)
    assert green, (tmp_path / "summary.md").read_text()
    assert ran[-1] == "Verdict"
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
    green, ran = run_drift(repository, organization, tmp_path)
    assert not green
    assert ran[-1] == "Verdict"
    [issue] = open_drift_issues(organization)
    assert "environments.qa.wait_timer" in str(issue["body"]).replace("\\", "")

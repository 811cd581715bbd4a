"""The generated release workflow follows the guide's flow, for an RC tag and for a production tag.

Two things are run rather than read: the job graph, by evaluating each job's `needs` and `if` the way
GitHub Actions does (a job without a status function in its `if` runs only when every job it needs
succeeded; a skipped job counts as not succeeded), and the step that looks for an approved release
candidate, as the runner runs it (bash, then `python3`), against the loopback GitHub serving the
Deployments API from GitHub's own examples.
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
from standin.github import FakeGitHub
from tests.conftest import TEMPLATE, TOKEN

STATUS_FUNCTIONS = re.compile(r"\b(?:always|cancelled|success|failure)\(\)")


def workflow(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["workflow", "release", str(TEMPLATE), *argv]) == 0
    document: dict[str, Any] = yaml.safe_load(capsys.readouterr().out)
    return document


def _needs(job: dict[str, Any]) -> list[str]:
    needs = job.get("needs", [])
    return [needs] if isinstance(needs, str) else list(needs)


def _evaluate(expression: str, results: dict[str, str], outputs: dict[str, dict[str, str]]) -> bool:
    """The subset of the Actions expression language the workflow uses, as Python."""
    text = expression.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]

    def context(match: re.Match[str]) -> str:
        job, kind, name = match.group(1), match.group(2), match.group(3)
        value = results.get(job, "") if kind == "result" else outputs.get(job, {}).get(name or "", "")
        return repr(value)

    text = re.sub(r"needs\.([\w-]+)\.(result|outputs)(?:\.([\w-]+))?", context, text)
    text = text.replace("!cancelled()", "True").replace("&&", " and ").replace("||", " or ")
    text = text.replace("'", '"')
    assert re.fullmatch(r'[\sA-Za-z0-9_"()=.-]*', text), f"unexpected expression: {expression}"
    return bool(eval(text, {"__builtins__": {}}, {"True": True}))  # noqa: S307 - a checked subset


def simulate(document: dict[str, Any], outputs: dict[str, dict[str, str]]) -> list[str]:
    """The jobs that run, in an order GitHub could run them; every job that runs succeeds."""
    jobs: dict[str, dict[str, Any]] = document["jobs"]
    results: dict[str, str] = {}
    ran: list[str] = []
    while len(results) < len(jobs):
        ready = [
            name
            for name, job in jobs.items()
            if name not in results and all(need in results for need in _needs(job))
        ]
        assert ready, f"a cycle in needs: {set(jobs) - set(results)}"
        for name in ready:
            job = jobs[name]
            condition = str(job.get("if", "true"))
            all_succeeded = all(results[need] == "success" for need in _needs(job))
            if STATUS_FUNCTIONS.search(condition):
                runs = _evaluate(condition, results, outputs)
            else:
                runs = all_succeeded and (condition == "true" or _evaluate(condition, results, outputs))
            results[name] = "success" if runs else "skipped"
            if runs:
                ran.append(name)
    return ran


def test_an_rc_tag_runs_staging_then_both_approvals(capsys: pytest.CaptureFixture[str]) -> None:
    ran = simulate(workflow(capsys), {"build": {"prerelease": "true"}})
    assert ran == ["checks", "build", "publish-test-pypi", "draft-release", "qa", "production-release"]


def test_a_production_tag_after_an_approved_candidate_goes_to_its_release_and_pypi(
    capsys: pytest.CaptureFixture[str],
) -> None:
    outputs = {"build": {"prerelease": "false"}, "candidate": {"approved": "true"}}
    ran = simulate(workflow(capsys), outputs)
    assert ran == ["checks", "build", "candidate", "github-release", "production-deploy"]


def test_a_production_tag_without_one_passes_both_approvals_first(capsys: pytest.CaptureFixture[str]) -> None:
    outputs = {"build": {"prerelease": "false"}, "candidate": {"approved": "false"}}
    ran = simulate(workflow(capsys), outputs)
    assert ran == [
        "checks",
        "build",
        "candidate",
        "qa",
        "production-release",
        "github-release",
        "production-deploy",
    ]


def test_the_simulation_can_fail(capsys: pytest.CaptureFixture[str]) -> None:
    document = workflow(capsys)
    del document["jobs"]["qa"]["if"]  # GitHub's implicit success(): a skipped draft-release skips qa
    outputs = {"build": {"prerelease": "false"}, "candidate": {"approved": "false"}}
    assert "production-deploy" not in simulate(document, outputs)


def test_only_the_environments_jobs_hold_approvals_and_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    jobs = workflow(capsys)["jobs"]
    environments = {
        name: job["environment"]["name"] if isinstance(job["environment"], dict) else job["environment"]
        for name, job in jobs.items()
        if "environment" in job
    }
    assert environments == {
        "publish-test-pypi": "staging",
        "qa": "qa",
        "production-release": "production-release",
        "production-deploy": "production-deploy",
    }
    readers = [name for name, job in jobs.items() if "secrets.PYPI_TOKEN" in yaml.safe_dump(job)]
    assert readers == ["production-deploy"]
    assert jobs["candidate"]["permissions"] == {"deployments": "read"}


def test_trusted_publishing_needs_no_token(capsys: pytest.CaptureFixture[str]) -> None:
    text = yaml.safe_dump(workflow(capsys, "--trusted-publishing"))
    assert "PYPI_TOKEN" not in text
    jobs = yaml.safe_load(text)["jobs"]
    assert jobs["production-deploy"]["permissions"] == {"id-token": "write"}


# -- the candidate step, run as the runner runs it ---------------------------------------------------


def candidate_step(capsys: pytest.CaptureFixture[str]) -> str:
    step = workflow(capsys)["jobs"]["candidate"]["steps"][0]
    assert step["env"]["ENVIRONMENT"] == "production-release"
    run: str = step["run"]
    return run


def run_candidate(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path, tag: str
) -> tuple[int, str, dict[str, str]]:
    output = tmp_path / "out.txt"
    output.write_text("")
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_API_URL": fake.base,
        "GITHUB_REPOSITORY": "acme/widgets",
        "GITHUB_OUTPUT": str(output),
        "GH_TOKEN": TOKEN,
        "TAG": tag,
        "ENVIRONMENT": "production-release",
    }
    done = subprocess.run(
        ["bash", "-e", "-c", candidate_step(capsys)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    written = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return done.returncode, done.stdout + done.stderr, written


def test_a_candidate_that_passed_production_release_is_found(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path
) -> None:
    fake.add_deployment("widgets", "v1.2.3-rc1", "production-release", ["in_progress", "failure"])
    fake.add_deployment("widgets", "v1.2.3-rc2", "production-release", ["in_progress", "success"])
    code, printed, written = run_candidate(capsys, fake, tmp_path, "v1.2.3")
    assert code == 0, printed
    assert written == {"approved": "true", "candidate": "v1.2.3-rc2"}
    assert "v1.2.3-rc2 passed production-release" in printed
    asked = [path for path, _ in fake.requests]
    assert asked[0] == "GET /repos/acme/widgets/deployments?environment=production-release&per_page=100"
    assert all(auth == f"Bearer {TOKEN}" for _, auth in fake.requests)
    assert TOKEN not in printed


@pytest.mark.parametrize(
    ("ref", "environment", "states"),
    [
        ("v1.2.3-rc1", "production-release", ["in_progress"]),  # still waiting for approval
        ("v1.2.3-rc1", "production-release", ["failure"]),  # rejected
        ("v1.2.3-rc1", "qa", ["success"]),  # QA approved, the release managers not yet
        ("v1.2.30-rc1", "production-release", ["success"]),  # another version
        ("v1.2.3-rc123", "production-release", ["success"]),  # not a candidate shape
        ("main", "production-release", ["success"]),
    ],
)
def test_nothing_else_counts_as_an_approved_candidate(
    capsys: pytest.CaptureFixture[str],
    fake: FakeGitHub,
    tmp_path: Path,
    ref: str,
    environment: str,
    states: list[str],
) -> None:
    fake.add_deployment("widgets", ref, environment, states)
    code, printed, written = run_candidate(capsys, fake, tmp_path, "v1.2.3")
    assert code == 0, printed
    assert written == {"approved": "false", "candidate": ""}
    assert "no candidate of v1.2.3 passed production-release" in printed


def test_every_page_of_deployments_is_read(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path
) -> None:
    fake.add_deployment("widgets", "v1.2.3-rc1", "production-release", ["success"])
    for index in range(5):
        fake.add_deployment("widgets", f"v0.{index}.0", "production-release", ["success"])
    fake.page_size = 2  # the candidate, oldest, is on the third page
    code, printed, written = run_candidate(capsys, fake, tmp_path, "v1.2.3")
    assert code == 0, printed
    assert written["approved"] == "true"
    listings = [path for path, _ in fake.requests if "/deployments?" in path]
    assert len(listings) == 3


def test_an_unreadable_answer_fails_closed(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path
) -> None:
    fake.add_deployment("widgets", "v1.2.3-rc1", "production-release", ["success"])
    fake.repositories["widgets"].deployments_readable = False  # no `deployments: read`
    code, printed, written = run_candidate(capsys, fake, tmp_path, "v1.2.3")
    assert code == 0
    assert written["approved"] == "false"  # the approvals run again rather than being skipped
    assert printed.startswith(
        "::warning::could not read the deployments of production-release (GET "
        "/repos/acme/widgets/deployments: HTTP 403): v1.2.3 passes qa and production-release itself"
    )
    assert TOKEN not in printed

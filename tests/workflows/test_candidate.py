"""The approved-candidate check, taken out of `repoconf workflow release` and run as the runner runs it
against the loopback GitHub (runs, review histories, commits served from GitHub's own examples).

A candidate counts only when its own release run, for the push of its tag, completed successfully with an
approved review for `qa` and for `production-release` and none rejected, and the production tag's commit is
that run's code or descends from it changing version files only. The job's token gets exactly the
permissions the generated job declares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from standin import runs
from standin.github import FakeGitHub
from tests.conftest import TEMPLATE, TOKEN
from tests.workflows.runner import generate, load, run_step, step_env

RELEASE = ".github/workflows/release.yaml"
RC_TREE = {
    "pyproject.toml": '[project]\nname = "widgets"\nversion = "1.2.3rc1"\ndependencies = ["httpx>=0.27"]\n',
    "CHANGELOG.md": "# Changelog\n\n## [1.2.3] - unreleased\n- A fix.\n",
    "src/widgets/__init__.py": '"""Widgets."""\n\n__version__ = "1.2.3rc1"\n',
    "src/widgets/core.py": "def answer() -> int:\n    return 42\n",
}


def bumped(tree: dict[str, str], changes: dict[str, str] | None = None) -> dict[str, str]:
    """The final version's tree: versions and notes changed, plus ``changes``."""
    final = {
        **tree,
        "pyproject.toml": tree["pyproject.toml"].replace('version = "1.2.3rc1"', 'version = "1.2.3"'),
        "src/widgets/__init__.py": tree["src/widgets/__init__.py"].replace("1.2.3rc1", "1.2.3"),
        "CHANGELOG.md": tree["CHANGELOG.md"].replace("unreleased", "2026-12-01"),
    }
    return {**final, **(changes or {})}


@dataclass
class Check:
    """The step's verdict and what it printed."""

    code: int
    printed: str
    outputs: dict[str, str]
    summary: str


@pytest.fixture
def candidate_job(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = generate(capsys, "release", str(TEMPLATE))
    assert code == 0, err
    job: dict[str, Any] = load(out)["jobs"]["candidate"]
    return job


def check(fake: FakeGitHub, job: dict[str, Any], tmp_path: Path, production: str) -> Check:
    """Run the candidate step for production tag v1.2.3 at commit ``production``."""
    runs.actions(fake, "widgets").token_permissions = dict(job["permissions"])  # the job's GITHUB_TOKEN
    [step] = [step for step in job["steps"] if step.get("id") == "candidate"]
    output, summary = tmp_path / "output", tmp_path / "summary"
    output.write_text("")
    env = step_env(
        step,
        {
            "${{ github.token }}": TOKEN,
            "${{ github.ref_name }}": "v1.2.3",
            "${{ needs.build.outputs.version_file }}": "src/widgets/__init__.py",
        },
    )
    env |= {
        "GITHUB_API_URL": fake.base,
        "GITHUB_REPOSITORY": "acme/widgets",
        "GITHUB_SHA": production,
        "GITHUB_WORKFLOW_REF": f"acme/widgets/{RELEASE}@refs/tags/v1.2.3",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    done = run_step(step, tmp_path, env)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    printed = done.stdout + done.stderr
    assert TOKEN not in printed
    return Check(done.returncode, printed, outputs, summary.read_text() if summary.exists() else "")


def approve(actions: runs.Actions, run: dict[str, Any], *environments: str) -> None:
    for environment in environments or ("qa", "production-release"):
        actions.review(run, "approved", [environment], reviewer=f"{environment}-reviewer")


Scenario = Callable[[runs.Actions, FakeGitHub], str]
"""Sets up runs and commits; returns the production tag's commit."""


def same_commit(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc = actions.commit(RC_TREE)
    approve(actions, actions.run("v1.2.3-rc1", rc))
    return rc


def version_files_only(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc = actions.commit(RC_TREE)
    approve(actions, actions.run("v1.2.3-rc1", rc))
    return actions.commit(bumped(RC_TREE), rc, message="release 1.2.3")


def private_repository(actions: runs.Actions, fake: FakeGitHub) -> str:
    fake.repositories["widgets"].private = True
    return version_files_only(actions, fake)


def later_rc_after_a_rejected_one(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc1 = actions.commit(RC_TREE)
    first = actions.run("v1.2.3-rc1", rc1, conclusion="failure")
    actions.review(first, "approved", ["qa"])
    actions.review(first, "rejected", ["production-release"], reviewer="release-manager")
    rc2 = actions.commit({**RC_TREE, "src/widgets/core.py": "def answer() -> int:\n    return 43\n"}, rc1)
    approve(actions, actions.run("v1.2.3-rc2", rc2))
    return actions.commit(bumped(actions.commits[rc2].files), rc2)


def path_with_ref(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc = actions.commit(RC_TREE)
    approve(actions, actions.run("v1.2.3-rc1", rc, path=f"{RELEASE}@refs/tags/v1.2.3-rc1"))
    return rc


def path_with_repository(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc = actions.commit(RC_TREE)
    approve(actions, actions.run("v1.2.3-rc1", rc, path=f"acme/widgets/{RELEASE}@refs/tags/v1.2.3-rc1"))
    return rc


def rc_tag_moved_after_approval(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc = actions.commit(RC_TREE)
    actions.tag("v1.2.3-rc1", rc)
    approve(actions, actions.run("v1.2.3-rc1", rc))
    elsewhere = actions.commit({**RC_TREE, "src/widgets/core.py": "import os\n"}, rc)
    actions.tag("v1.2.3-rc1", elsewhere)  # RC tags stay movable: the approval stays with its run's code
    return rc


@pytest.mark.parametrize(
    "scenario",
    [
        same_commit,
        version_files_only,
        private_repository,
        later_rc_after_a_rejected_one,
        path_with_ref,
        path_with_repository,
        rc_tag_moved_after_approval,
    ],
)
def test_a_genuine_candidate_is_approved(
    fake: FakeGitHub, candidate_job: dict[str, Any], tmp_path: Path, scenario: Scenario
) -> None:
    actions = runs.actions(fake, "widgets")
    production = scenario(actions, fake)
    found = check(fake, candidate_job, tmp_path, production)
    assert found.code == 0, found.printed
    assert found.outputs["approved"] == "true", found.printed
    assert found.outputs["candidate"] in ("v1.2.3-rc1", "v1.2.3-rc2")
    assert "passed qa and production-release in run" in found.printed
    assert "### Approved candidate" in found.summary
    asked = [path for path, _ in fake.requests]
    assert not any("/deployments" in path for path in asked)  # never consulted
    assert all(auth == f"Bearer {TOKEN}" for _, auth in fake.requests)


def forged_deployments(actions: runs.Actions, fake: FakeGitHub) -> str:
    # What any writer can create through the REST API: a deployment and a `success` status, no reviewer.
    fake.add_deployment("widgets", "v1.2.3-rc1", "qa", ["success"])
    fake.add_deployment("widgets", "v1.2.3-rc1", "production-release", ["in_progress", "success"])
    return actions.commit(RC_TREE)


def another_workflow(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc = actions.commit(RC_TREE)
    approve(actions, actions.run("v1.2.3-rc1", rc, path=".github/workflows/release-copy.yaml"))
    return rc


def another_repositorys_workflow(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc = actions.commit(RC_TREE)
    approve(actions, actions.run("v1.2.3-rc1", rc, path=f"octo-org/widgets/{RELEASE}@main"))
    return rc


def not_a_push(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc = actions.commit(RC_TREE)
    approve(actions, actions.run("v1.2.3-rc1", rc, event="workflow_dispatch"))
    return rc


def qa_only(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc = actions.commit(RC_TREE)
    approve(actions, actions.run("v1.2.3-rc1", rc), "qa")
    return rc


def rejected(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc = actions.commit(RC_TREE)
    run = actions.run("v1.2.3-rc1", rc)
    approve(actions, run)
    actions.review(run, "rejected", ["production-release"], reviewer="release-manager")
    return rc


def cancelled_in_the_wait(actions: runs.Actions, fake: FakeGitHub) -> str:
    # Both approved; the run was cancelled during production-release's 30-minute wait timer.
    rc = actions.commit(RC_TREE)
    approve(actions, actions.run("v1.2.3-rc1", rc, conclusion="cancelled"))
    return rc


def still_waiting(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc = actions.commit(RC_TREE)
    approve(actions, actions.run("v1.2.3-rc1", rc, status="waiting", conclusion=None), "qa")
    return rc


def moved_rc_tag(actions: runs.Actions, fake: FakeGitHub) -> str:
    # Approved at one commit; the RC tag moved to other code, and the production tag follows the tag.
    base = actions.commit({"README.md": "old"})
    rc = actions.commit(RC_TREE, base)
    actions.tag("v1.2.3-rc1", rc)
    approve(actions, actions.run("v1.2.3-rc1", rc))
    moved = actions.commit({**RC_TREE, "src/widgets/core.py": "import os\n"}, base)
    actions.tag("v1.2.3-rc1", moved)
    return actions.commit(bumped(actions.commits[moved].files), moved)


def diverged_history(actions: runs.Actions, fake: FakeGitHub) -> str:
    root = actions.commit({"README.md": "start"})
    rc = actions.commit(RC_TREE, root)
    approve(actions, actions.run("v1.2.3-rc1", rc))
    return actions.commit(bumped(RC_TREE), root, message="the same files, another history")


def changed_code(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc = actions.commit(RC_TREE)
    approve(actions, actions.run("v1.2.3-rc1", rc))
    return actions.commit(
        bumped(RC_TREE, {"src/widgets/core.py": "def answer() -> int:\n    return 0\n"}), rc
    )


def changed_dependencies(actions: runs.Actions, fake: FakeGitHub) -> str:
    # pyproject.toml is a version file, but only its version line may change.
    rc = actions.commit(RC_TREE)
    approve(actions, actions.run("v1.2.3-rc1", rc))
    tree = bumped(RC_TREE)
    tree["pyproject.toml"] = tree["pyproject.toml"].replace("httpx>=0.27", "evil-httpx>=0.27")
    return actions.commit(tree, rc)


def code_in_the_version_module(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc = actions.commit(RC_TREE)
    approve(actions, actions.run("v1.2.3-rc1", rc))
    tree = bumped(RC_TREE)
    tree["src/widgets/__init__.py"] += "import os; os.system('curl evil')\n"
    return actions.commit(tree, rc)


def another_version(actions: runs.Actions, fake: FakeGitHub) -> str:
    rc = actions.commit(RC_TREE)
    approve(actions, actions.run("v1.2.30-rc1", rc))
    approve(actions, actions.run("v1.2.3-rc123", rc))
    return rc


@pytest.mark.parametrize(
    ("scenario", "why"),
    [
        (forged_deployments, None),
        (another_workflow, None),  # GitHub lists it under its own file; never asked about
        (another_repositorys_workflow, "not this workflow's run"),
        (not_a_push, None),  # GitHub filters it out (event=push); checked again all the same
        (qa_only, "no approved review for production-release"),
        (rejected, "a reviewer rejected production-release"),
        (cancelled_in_the_wait, "completed, cancelled"),
        (still_waiting, None),  # not completed: not listed
        (moved_rc_tag, "does not descend from the approved one (compare: diverged)"),
        (diverged_history, "does not descend from the approved one (compare: diverged)"),
        (changed_code, "src/widgets/core.py changed (modified), and it is not a version file"),
        (changed_dependencies, "pyproject.toml changed beyond its version"),
        (code_in_the_version_module, "src/widgets/__init__.py changed beyond its version"),
        (another_version, None),
    ],
)
def test_nothing_else_counts(
    fake: FakeGitHub, candidate_job: dict[str, Any], tmp_path: Path, scenario: Scenario, why: str | None
) -> None:
    actions = runs.actions(fake, "widgets")
    found = check(fake, candidate_job, tmp_path, scenario(actions, fake))
    assert found.code == 0, found.printed
    assert found.outputs == {"approved": "false", "candidate": "", "run": ""}
    assert (
        "no candidate of v1.2.3 was approved for this code: v1.2.3 passes qa and production-release first"
        in (found.printed)
    )
    if why is not None:
        assert why in found.printed
    elif scenario is not another_version:
        assert not any("/approvals" in path for path, _ in fake.requests)
    assert "::warning::" not in found.printed  # refused on the evidence, not for want of an answer


def test_a_private_repository_without_the_permissions_fails_closed(
    fake: FakeGitHub, candidate_job: dict[str, Any], tmp_path: Path
) -> None:
    actions = runs.actions(fake, "widgets")
    production = private_repository(actions, fake)
    job = {**candidate_job, "permissions": {"contents": "read"}}  # without `actions: read`
    found = check(fake, job, tmp_path, production)
    assert found.outputs["approved"] == "false"
    [warning] = [line for line in found.printed.splitlines() if line.startswith("::warning::")]
    assert warning == (
        "::warning::could not check for an approved candidate of v1.2.3 (GET "
        "/repos/acme/widgets/actions/workflows/release.yaml/runs: HTTP 403): v1.2.3 passes qa and "
        "production-release itself"
    )


def test_every_page_of_runs_is_read_newest_first(
    fake: FakeGitHub, candidate_job: dict[str, Any], tmp_path: Path
) -> None:
    actions = runs.actions(fake, "widgets")
    production = same_commit(actions, fake)
    for index in range(5):
        actions.run(f"v0.{index}.0", actions.commit({"x": str(index)}))
    fake.page_size = 2  # the candidate, oldest, is on the third page
    found = check(fake, candidate_job, tmp_path, production)
    assert found.outputs["approved"] == "true", found.printed
    listings = [path for path, _ in fake.requests if "/runs?" in path]
    assert len(listings) == 3
    assert listings[0] == (
        "GET /repos/acme/widgets/actions/workflows/release.yaml/runs?event=push&status=completed&per_page=100"
    )

"""The generated release workflow follows the guide's flow, for an RC tag and for a production tag, and a
GitHub release becomes public only after PyPI has the files.

The job graph is run, not read: :func:`tests.workflows.runner.simulate` evaluates each job's ``needs`` and
``if`` the way GitHub Actions does, with jobs that fail (a rejected approval or upload) where a test says so.
What is public is derived from the jobs that ran: a job that runs ``gh release create`` without ``--draft``
or ``gh release edit --draft=false`` makes a release public.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.conftest import TEMPLATE
from tests.workflows.runner import generate, load, ran, simulate

RC = {"build": {"prerelease": "true"}}
FINAL_APPROVED = {"build": {"prerelease": "false"}, "candidate": {"approved": "true"}}
FINAL_ALONE = {"build": {"prerelease": "false"}, "candidate": {"approved": "false"}}


def workflow(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = generate(capsys, "release", str(TEMPLATE), *argv)
    assert code == 0, err
    return load(out)


def publishes(job: dict[str, Any]) -> bool:
    """Whether a job makes a GitHub release public."""
    commands = " ".join(str(step.get("run", "")) for step in job.get("steps", []))
    created_public = "gh release create" in commands and "--draft" not in commands
    return created_public or "--draft=false" in commands


def public_release(document: dict[str, Any], results: dict[str, str]) -> bool:
    """Whether the run left a public GitHub release: a publishing job succeeded."""
    return any(results[name] == "success" and publishes(job) for name, job in document["jobs"].items())


def test_an_rc_tag_runs_staging_then_both_approvals(capsys: pytest.CaptureFixture[str]) -> None:
    results = simulate(workflow(capsys), RC)
    assert ran(results) == [
        "checks",
        "build",
        "attest",
        "publish-test-pypi",
        "draft-prerelease",
        "install",
        "qa",
        "production-release",
    ]


def test_a_production_tag_after_an_approved_candidate_goes_to_its_release_and_pypi(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = workflow(capsys)
    results = simulate(document, FINAL_APPROVED)
    assert ran(results) == [
        "checks",
        "build",
        "attest",
        "candidate",
        "github-release",
        "production-deploy",
        "publish-release",
    ]
    assert public_release(document, results)


def test_a_production_tag_without_one_is_installed_and_passes_both_approvals_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = workflow(capsys)
    results = simulate(document, FINAL_ALONE)
    assert ran(results) == [
        "checks",
        "build",
        "attest",
        "candidate",
        "install",
        "qa",
        "production-release",
        "github-release",
        "production-deploy",
        "publish-release",
    ]


@pytest.mark.parametrize(
    ("outputs", "failing"),
    [
        (FINAL_APPROVED, "production-deploy"),  # its reviewers reject, or the upload fails
        (FINAL_ALONE, "production-deploy"),
        (FINAL_ALONE, "production-release"),  # the release managers reject
        (FINAL_ALONE, "qa"),
        (FINAL_ALONE, "install"),  # the version does not install or import
        (FINAL_APPROVED, "attest"),
        (FINAL_ALONE, "candidate"),  # the check itself broke: nothing goes on
    ],
)
def test_nothing_is_public_unless_pypi_has_the_files(
    capsys: pytest.CaptureFixture[str], outputs: dict[str, Any], failing: str
) -> None:
    document = workflow(capsys)
    results = simulate(document, outputs, fail=frozenset({failing}))
    assert not public_release(document, results), results
    if failing == "production-deploy":
        assert results["github-release"] == "success"  # the draft stays, to retry from (docs)
        assert results["publish-release"] == "skipped"


def test_an_rc_never_publishes_a_release_or_reaches_pypi(capsys: pytest.CaptureFixture[str]) -> None:
    document = workflow(capsys)
    results = simulate(document, RC)
    assert not public_release(document, results)
    assert results["production-deploy"] == "skipped"
    rejected = simulate(document, RC, fail=frozenset({"publish-test-pypi"}))
    assert {rejected[job] for job in ("install", "qa", "production-release")} == {"skipped"}


def test_the_simulation_can_fail(capsys: pytest.CaptureFixture[str]) -> None:
    document = workflow(capsys)
    # a release created public, as before this workflow: a rejected deploy then leaves it public
    steps = document["jobs"]["github-release"]["steps"]
    steps[-1]["run"] = steps[-1]["run"].replace(" --draft", "")
    results = simulate(document, FINAL_APPROVED, fail=frozenset({"production-deploy"}))
    assert public_release(document, results)
    del document["jobs"]["qa"]["if"]  # GitHub's implicit success(): a skipped draft-prerelease skips qa
    assert "production-deploy" not in ran(simulate(document, FINAL_ALONE))


def test_only_the_environments_jobs_hold_approvals_and_uploads(capsys: pytest.CaptureFixture[str]) -> None:
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
    uploads = [name for name, job in jobs.items() if "gh-action-pypi-publish" in yaml.safe_dump(job)]
    assert uploads == ["publish-test-pypi", "production-deploy"]
    minting = [name for name, job in jobs.items() if job.get("permissions", {}).get("id-token") == "write"]
    assert minting == ["attest", "publish-test-pypi", "production-deploy"]
    assert jobs["candidate"]["permissions"] == {"actions": "read", "contents": "read"}


def test_token_upload_reads_the_tokens_only_where_they_live(capsys: pytest.CaptureFixture[str]) -> None:
    jobs = workflow(capsys, "--token-upload")["jobs"]
    readers = {
        name: secret
        for name, job in jobs.items()
        for secret in ("TEST_PYPI_TOKEN", "PYPI_TOKEN")
        if f"secrets.{secret} " in yaml.safe_dump(job)
    }
    assert readers == {"publish-test-pypi": "TEST_PYPI_TOKEN", "production-deploy": "PYPI_TOKEN"}
    assert jobs["production-deploy"]["permissions"] == {}

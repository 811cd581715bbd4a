"""The drift workflow's issue: exactly one, opened, updated, closed."""

from __future__ import annotations

from repoconf.github.client import GitHub
from repoconf.ops.drift_issue import LABEL, Action, DriftRun, sync
from standin.github import FakeGitHub, FakeRepository

REPORT_DRIFT = "## repoconf audit\n\n| changed | `environments.qa.wait_timer` | `0` | `5` |\n"
REPORT_CLEAN = "## repoconf audit\n\n1/1 repositories compliant.\n"


def run(exit_code: int, outcome: str = "success", number: int = 1) -> DriftRun:
    report = REPORT_DRIFT if exit_code == 1 else REPORT_CLEAN
    return DriftRun(exit_code, report, outcome, f"https://github.com/acme/repoconf/actions/runs/{number}")


def open_drift_issues(fake: FakeGitHub) -> list[dict[str, object]]:
    return [
        issue
        for issue in fake.repositories["repoconf"].issues
        if issue["state"] == "open" and LABEL in [label["name"] for label in issue["labels"]]
    ]


def test_one_issue_across_runs(fake: FakeGitHub, github: GitHub) -> None:
    fake.repositories["repoconf"] = FakeRepository()
    assert sync(github, "acme/repoconf", run(0)) == (Action.NOTHING, None)
    assert sync(github, "acme/repoconf", run(1, number=2)) == (Action.OPENED, 1)
    assert sync(github, "acme/repoconf", run(1, number=3)) == (Action.UPDATED, 1)
    assert sync(github, "acme/repoconf", run(0, "failure", number=4)) == (Action.UPDATED, 1)
    [issue] = open_drift_issues(fake)
    assert "runs/4" in str(issue["body"])
    assert "**changes or errors**" in str(issue["body"])
    assert sync(github, "acme/repoconf", run(0, number=5)) == (Action.CLOSED, 1)
    assert open_drift_issues(fake) == []
    closed = fake.repositories["repoconf"].issues[0]
    assert closed["state_reason"] == "completed"
    assert closed["_comments"][0]["body"].startswith("Clean drift run: ")
    assert sync(github, "acme/repoconf", run(1, number=6)) == (Action.OPENED, 2)
    assert len(open_drift_issues(fake)) == 1


def test_duplicates_are_closed(fake: FakeGitHub, github: GitHub) -> None:
    repository = FakeRepository()
    fake.repositories["repoconf"] = repository
    for number in (1, 2):
        repository.issues.append(fake.issue("repoconf", number, {"title": "drift", "labels": [LABEL]}))
    assert sync(github, "acme/repoconf", run(1)) == (Action.UPDATED, 1)
    assert [issue["number"] for issue in open_drift_issues(fake)] == [1]
    assert repository.issues[1]["state_reason"] == "not_planned"

"""The drift workflow's issue: exactly one, opened, updated, closed, and nothing else touched."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from repoconf.cli.main import main
from repoconf.github.client import GitHub
from repoconf.ops.drift_issue import (
    DEFAULT_AUTHOR,
    LABEL,
    MARKER,
    MAX_BODY,
    Action,
    DriftRun,
    PulumiOutcome,
    sync,
)
from standin.github import FakeGitHub, FakeRepository
from tests.conftest import TOKEN

REPORT_DRIFT = "## repoconf audit\n\n| changed | environments\\.qa\\.wait\\_timer | 0 | 5 |\n"
REPORT_CLEAN = "## repoconf audit\n\n1/1 repositories compliant.\n"


def run(exit_code: int, outcome: str = "success", number: int = 1) -> DriftRun:
    report = REPORT_DRIFT if exit_code == 1 else REPORT_CLEAN
    return DriftRun(
        exit_code, report, PulumiOutcome(outcome), f"https://github.com/acme/repoconf/actions/runs/{number}"
    )


@pytest.fixture
def repository(fake: FakeGitHub) -> FakeRepository:
    """The configuration repository, holding other people's issues and pull requests."""
    fake.repositories["repoconf"] = FakeRepository()
    fake.add_issue("repoconf", "Bug: render crashes", ["bug"])
    fake.add_issue("repoconf", "Feature: more formats", ["enhancement"])
    fake.add_issue("repoconf", "Bump httpx", ["drift"], pull_request=True)  # a PR, even labelled drift
    fake.add_issue("repoconf", "Old drift", [LABEL], state="closed")
    return fake.repositories["repoconf"]


def ours(fake: FakeGitHub, title: str = "drift", labels: tuple[str, ...] = (LABEL,)) -> dict[str, Any]:
    """An issue an earlier drift run opened: by the workflow token, with repoconf's marker."""
    return fake.add_issue("repoconf", title, list(labels), author=DEFAULT_AUTHOR, body=f"{MARKER}\nold run")


def drift_issues(repository: FakeRepository) -> list[dict[str, Any]]:
    return [
        issue
        for issue in repository.issues
        if issue["state"] == "open"
        and "pull_request" not in issue
        and LABEL in [label["name"] for label in issue["labels"]]
    ]


def test_one_issue_across_runs_and_nothing_else_touched(
    fake: FakeGitHub, github: GitHub, repository: FakeRepository
) -> None:
    others = copy.deepcopy(repository.issues)
    assert sync(github, "acme/repoconf", run(0)) == (Action.NOTHING, None)
    assert sync(github, "acme/repoconf", run(1, number=2)) == (Action.OPENED, 5)
    assert sync(github, "acme/repoconf", run(1, number=3)) == (Action.UPDATED, 5)
    assert sync(github, "acme/repoconf", run(0, "failure", number=4)) == (Action.UPDATED, 5)
    [issue] = drift_issues(repository)
    assert "runs/4" in str(issue["body"])
    assert "**changes or errors**" in str(issue["body"])
    assert sync(github, "acme/repoconf", run(0, number=5)) == (Action.CLOSED, 5)
    assert drift_issues(repository) == []
    closed = repository.issues[4]
    assert closed["state_reason"] == "completed"
    assert closed["_comments"][0]["body"].startswith("Clean drift run: ")
    assert sync(github, "acme/repoconf", run(1, number=6)) == (Action.OPENED, 6)
    assert len(drift_issues(repository)) == 1
    # the other issues and the pull request: unchanged, never commented on, never written to
    assert repository.issues[:4] == others
    writes = [path for path, _ in fake.requests if not path.startswith("GET ")]
    assert all("/issues/5" in path or "/issues/6" in path or path.endswith("/issues") for path in writes)
    listings = [path for path, _ in fake.requests if path.startswith("GET /repos/acme/repoconf/issues?")]
    assert listings
    assert all("state=open" in path and "labels=drift" in path for path in listings)


def test_duplicates_are_closed_as_duplicates(
    fake: FakeGitHub, github: GitHub, repository: FakeRepository
) -> None:
    first = ours(fake)
    second = ours(fake, "drift again", (LABEL, "ops"))
    assert sync(github, "acme/repoconf", run(1)) == (Action.UPDATED, first["number"])
    assert [issue["number"] for issue in drift_issues(repository)] == [first["number"]]
    assert second["state"] == "closed"
    assert second["state_reason"] == "duplicate"
    assert second["_duplicate_of"] == first["id"]
    assert (
        second["_comments"][0]["body"] == f"Duplicate of #{first['number']}: repoconf keeps one drift issue."
    )


@pytest.mark.parametrize(("audit_exit", "outcome"), [(3, "success"), (2, "success"), (3, "skipped")])
def test_a_run_that_could_not_check_never_closes_the_issue(
    fake: FakeGitHub, github: GitHub, repository: FakeRepository, audit_exit: int, outcome: str
) -> None:
    issue = ours(fake)
    action = sync(github, "acme/repoconf", run(audit_exit, outcome, number=9))
    assert action == (Action.UNCHECKED, issue["number"])
    assert issue["state"] == "open"
    assert issue["_comments"][0]["body"].startswith(
        f"This drift run could not check (audit exit {audit_exit}"
    )


def test_the_body_fits_githubs_limit(github: GitHub, repository: FakeRepository) -> None:
    huge = DriftRun(
        1, "| x |\n" * 40_000, PulumiOutcome.SUCCESS, "https://github.com/acme/repoconf/actions/runs/7"
    )
    assert sync(github, "acme/repoconf", huge)[0] is Action.OPENED
    [issue] = drift_issues(repository)
    assert len(issue["body"]) <= MAX_BODY
    assert "the full report: https://github.com/acme/repoconf/actions/runs/7" in issue["body"]


def test_an_ambiguous_create_is_re_read_not_repeated(
    fake: FakeGitHub, github: GitHub, repository: FakeRepository
) -> None:
    # GitHub created the issue but the answer was lost: a blind retry would make a second one
    fake.fault("/repos/acme/repoconf/issues$", status=502, applied=True)
    assert sync(github, "acme/repoconf", run(1))[0] is Action.OPENED
    assert len(drift_issues(repository)) == 1


def test_an_ambiguous_create_that_did_not_apply_is_sent_once_more(
    fake: FakeGitHub, github: GitHub, repository: FakeRepository
) -> None:
    fake.fault("/repos/acme/repoconf/issues$", status=502)
    assert sync(github, "acme/repoconf", run(1))[0] is Action.OPENED
    assert len(drift_issues(repository)) == 1


def test_the_cli_refuses_an_unknown_pulumi_outcome(
    capsys: pytest.CaptureFixture[str],
    fake: FakeGitHub,
    repository: FakeRepository,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = tmp_path / "audit.md"
    report.write_text(REPORT_DRIFT)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    common = [
        "drift-issue",
        "--repository",
        "acme/repoconf",
        "--audit-report",
        str(report),
        "--audit-exit",
        "1",
        "--run-url",
        "https://github.com/acme/repoconf/actions/runs/1",
        "--api-url",
        fake.base,
    ]
    with pytest.raises(SystemExit) as caught:
        main([*common, "--pulumi-outcome", "cancelled"])
    assert caught.value.code == 2
    assert "invalid choice: 'cancelled'" in capsys.readouterr().err
    assert main([*common, "--pulumi-outcome", "success"]) == 0
    assert capsys.readouterr().out == "drift issue: opened #5\n"


def test_a_clean_audit_without_the_preview_waits_silently(
    fake: FakeGitHub, github: GitHub, repository: FakeRepository
) -> None:
    issue = ours(fake)
    assert sync(github, "acme/repoconf", run(0, "skipped")) == (Action.WAITING, issue["number"])
    assert issue["state"] == "open"
    assert issue["_comments"] == []
    assert sync(github, "acme/repoconf", run(0, "success"))[0] is Action.CLOSED


def test_an_unusable_listing_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str],
    fake: FakeGitHub,
    repository: FakeRepository,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = tmp_path / "audit.md"
    report.write_text(REPORT_DRIFT)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    fake.fault("/repos/acme/repoconf/issues$", status=200, raw=b"<html>unicorn</html>", times=9)
    code = main(
        [
            "drift-issue",
            "--repository",
            "acme/repoconf",
            "--audit-report",
            str(report),
            "--audit-exit",
            "1",
            "--pulumi-outcome",
            "success",
            "--run-url",
            "https://x/runs/1",
            "--api-url",
            fake.base,
            "--no-cache",
        ]
    )
    err = capsys.readouterr().err
    assert code == 3
    assert err.startswith("repoconf: error: GET /repos/acme/repoconf/issues: GitHub's answer is not JSON")
    assert len(err.splitlines()) == 1
    assert len(repository.issues) == 4  # nothing created, nothing written


@pytest.mark.parametrize(
    ("author", "body"),
    [
        ("octocat", "Something drifted, I think.\n"),  # a person's issue with the label
        ("octocat", f"{MARKER}\npasted the marker"),  # anyone can paste the marker
        (DEFAULT_AUTHOR, "Opened by another workflow with the same token.\n"),  # the author, no marker
    ],
)
@pytest.mark.parametrize("drifted", [True, False])
def test_an_issue_that_is_not_repoconfs_is_never_edited_commented_or_closed(
    fake: FakeGitHub, github: GitHub, repository: FakeRepository, author: str, body: str, drifted: bool
) -> None:
    theirs = fake.add_issue("repoconf", "drift", [LABEL], author=author, body=body)
    before = copy.deepcopy(theirs)
    if drifted:
        assert sync(github, "acme/repoconf", run(1)) == (Action.OPENED, theirs["number"] + 1)
        [issue] = [i for i in repository.issues if i["number"] == theirs["number"] + 1]
        assert issue["body"].startswith(MARKER + "\n")
        assert issue["user"]["login"] == DEFAULT_AUTHOR
    else:
        assert sync(github, "acme/repoconf", run(0)) == (Action.NOTHING, None)
    assert theirs == before  # not edited, not closed, no comment
    writes = [path for path, _ in fake.requests if not path.startswith("GET ")]
    assert not any(f"/issues/{theirs['number']}" in path for path in writes)


def test_the_cli_finds_the_issue_by_the_author_it_is_told(
    capsys: pytest.CaptureFixture[str],
    fake: FakeGitHub,
    repository: FakeRepository,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mine = fake.add_issue("repoconf", "drift", [LABEL], author="drift-bot", body=f"{MARKER}\nold")
    report = tmp_path / "audit.md"
    report.write_text(REPORT_DRIFT)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    argv = [
        "drift-issue",
        "--repository",
        "acme/repoconf",
        "--audit-report",
        str(report),
        "--audit-exit",
        "1",
        "--pulumi-outcome",
        "success",
        "--run-url",
        "https://x/runs/1",
        "--api-url",
        fake.base,
        "--author",
        "drift-bot",
    ]
    assert main(argv) == 0
    assert capsys.readouterr().out == f"drift issue: updated #{mine['number']}\n"
    assert "https://x/runs/1" in mine["body"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"caf\xe9\n", "--audit-report {path}:1:4: not UTF-8 text (byte 0xe9): save it as UTF-8"),
        (b"ok\n\n\x80", "--audit-report {path}:3:1: not UTF-8 text (byte 0x80)"),
        (None, "--audit-report {path}: cannot read it: No such file or directory"),
        ("dir", "--audit-report {path}: cannot read it: not a regular file (a directory)"),
        ("zero", "--audit-report /dev/zero: cannot read it: larger than 16 MiB"),
    ],
)
def test_an_audit_report_that_is_not_text_is_a_located_usage_error(
    capsys: pytest.CaptureFixture[str],
    fake: FakeGitHub,
    repository: FakeRepository,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    content: bytes | str | None,
    message: str,
) -> None:
    path: Path | str = tmp_path / "audit.md"
    if isinstance(content, bytes):
        Path(path).write_bytes(content)
    elif content == "dir":
        Path(path).mkdir()
    elif content == "zero":
        path = "/dev/zero"
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    code = main(
        [
            "drift-issue",
            "--repository",
            "acme/repoconf",
            "--audit-report",
            str(path),
            "--audit-exit",
            "1",
            "--pulumi-outcome",
            "success",
            "--run-url",
            "https://x/runs/1",
            "--api-url",
            fake.base,
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert message.format(path=path) in err
    assert fake.requests == []  # refused before any request


def test_a_repository_the_token_cannot_see_says_what_to_check(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "audit.md"
    report.write_text(REPORT_DRIFT)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    argv = ["drift-issue", "--repository", "acme/nope", "--audit-report", str(report), "--audit-exit", "1"]
    assert main([*argv, "--run-url", "u", "--api-url", fake.base]) == 3
    err = capsys.readouterr().err
    assert "acme/nope does not exist or the token cannot see it" in err
    assert "Issues: write" in err

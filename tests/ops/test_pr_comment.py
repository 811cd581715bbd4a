"""The preview's one pull-request comment: created once, edited in place, never someone else's."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from repoconf.cli.main import main
from repoconf.github.client import GitHub
from repoconf.ops.drift_issue import MAX_BODY
from repoconf.ops.pr_comment import CommentAction, comment_text, marker_line, upsert
from standin.github import FakeGitHub, FakeRepository
from tests.conftest import TOKEN


@pytest.fixture
def pull_request(fake: FakeGitHub) -> dict[str, Any]:
    """Pull request #2 of the configuration repository, after an issue #1, with a reviewer's comment."""
    fake.repositories["repoconf"] = FakeRepository()
    fake.add_issue("repoconf", "A bug", ["bug"])
    pr = fake.add_issue("repoconf", "Lower the wait", [], pull_request=True)
    fake.add_comment("repoconf", pr["number"], "Looks fine to me.", "alice")
    return pr


def comments(fake: FakeGitHub, number: int) -> list[dict[str, Any]]:
    issue = next(i for i in fake.repositories["repoconf"].issues if i["number"] == number)
    found: list[dict[str, Any]] = issue["_comments"]
    return found


def test_created_then_unchanged_then_edited_in_place(
    fake: FakeGitHub, github: GitHub, pull_request: dict[str, Any]
) -> None:
    number = pull_request["number"]
    first = comment_text("diff", "## repoconf diff\n\n1 change(s)", "")
    action, cid = upsert(github, "acme/repoconf", number, first, "diff")
    assert action is CommentAction.CREATED
    assert upsert(github, "acme/repoconf", number, first, "diff") == (CommentAction.UNCHANGED, cid)
    second = comment_text("diff", "## repoconf diff\n\n2 change(s)", "")
    assert upsert(github, "acme/repoconf", number, second, "diff") == (CommentAction.UPDATED, cid)
    bodies = [(c["user"]["login"], c["body"]) for c in comments(fake, number)]
    assert bodies == [("alice", "Looks fine to me."), ("github-actions[bot]", second)]
    assert comments(fake, 1) == []  # the other issue is untouched
    patches = [request for request, _ in fake.requests if request.startswith("PATCH ")]
    assert len(patches) == 1


def test_a_marker_pasted_by_someone_else_is_not_ours(
    fake: FakeGitHub, github: GitHub, pull_request: dict[str, Any]
) -> None:
    number = pull_request["number"]
    fake.add_comment("repoconf", number, marker_line("diff") + "\nfake", "mallory")
    text = comment_text("diff", "the diff", "")
    assert upsert(github, "acme/repoconf", number, text, "diff")[0] is CommentAction.CREATED
    assert [c["body"] for c in comments(fake, number)][1] == marker_line("diff") + "\nfake"


def test_a_long_text_is_cut_to_githubs_limit() -> None:
    text = comment_text("diff", "x" * 100_000, "\n\n… cut")
    assert len(text) == MAX_BODY
    assert text.startswith(marker_line("diff") + "\nxxx")
    assert text.endswith("\n\n… cut")
    assert comment_text("diff", "short", "\n\n… cut") == marker_line("diff") + "\nshort"


def test_the_command(
    capsys: pytest.CaptureFixture[str],
    fake: FakeGitHub,
    pull_request: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    body = tmp_path / "diff.md"
    body.write_text("## repoconf diff\n")
    argv = [
        "pr-comment",
        "--repository",
        "acme/repoconf",
        "--pull-request",
        str(pull_request["number"]),
        "--body-file",
        str(body),
        "--api-url",
        fake.base,
    ]
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("pull-request comment: created (")
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("pull-request comment: unchanged (")
    assert main([*argv[:4], "999", *argv[5:]]) == 3  # no such pull request: what to check
    assert "acme/repoconf has no pull request #999, or the token cannot see it" in capsys.readouterr().err
    assert main([*argv[:-2], "--marker", "no spaces", "--api-url", fake.base]) == 2
    assert "letters, digits and '-' only" in capsys.readouterr().err
    missing = tmp_path / "missing.md"
    assert main([*argv[:5], "--body-file", str(missing), "--api-url", fake.base]) == 2
    assert f"--body-file {missing}: cannot read it: No such file or directory" in capsys.readouterr().err
    # an endless device is refused once past the limit, never read whole
    start = time.perf_counter()
    assert main([*argv[:5], "--body-file", "/dev/zero", "--api-url", fake.base]) == 2
    assert "--body-file /dev/zero: cannot read it: larger than 16 MiB" in capsys.readouterr().err
    assert time.perf_counter() - start < 10
    latin = tmp_path / "latin.md"
    latin.write_bytes(b"## diff\ncaf\xe9\n")
    assert main([*argv[:5], "--body-file", str(latin), "--api-url", fake.base]) == 2
    assert f"--body-file {latin}:2:4: not UTF-8 text (byte 0xe9)" in capsys.readouterr().err
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # nobody writes to it: read as its end at once, never waited on
    start = time.perf_counter()
    assert main([*argv[:5], "--body-file", str(fifo), "--api-url", fake.base]) == 0
    assert time.perf_counter() - start < 10
    capsys.readouterr()

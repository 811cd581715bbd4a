"""One pull-request comment kept up to date: found by a hidden marker and its author, edited in place on
every push rather than added again, and left alone when nothing changed.

Endpoints (REST, "Issue comments"): ``GET /repos/{o}/{r}/issues/{n}/comments`` (pull requests are
issues), ``POST`` the same path, ``PATCH /repos/{o}/{r}/issues/comments/{id}``. A comment whose author is
not ``author`` is never edited, whatever marker it carries: anyone can paste a marker.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from repoconf.github.errors import AmbiguousWrite
from repoconf.github.responses import parse_answer, parse_answers
from repoconf.ops.drift_issue import DEFAULT_AUTHOR, MAX_BODY
from repoconf.text import fit

if TYPE_CHECKING:  # the HTTP client is loaded by the command that opens it
    from repoconf.github.client import GitHub


class CommentAction(StrEnum):
    """What happened to the comment."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class _User(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    login: str


class LiveComment(BaseModel):
    """An issue comment: the fields read here."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: int
    body: str | None = None
    user: _User | None = None


def marker_line(marker: str) -> str:
    """The hidden first line that identifies the comment (an HTML comment renders as nothing)."""
    return f"<!-- repoconf:{marker} -->"


def comment_text(marker: str, body: str, cut_note: str) -> str:
    """The marker, then the body cut to GitHub's 65,536-character limit with ``cut_note`` after it."""
    head = marker_line(marker) + "\n"
    return head + fit(body, MAX_BODY - len(head), cut_note)


def _comments(github: GitHub, repository: str, number: int) -> list[LiveComment]:
    path = f"/repos/{repository}/issues/{number}/comments"
    return parse_answers(LiveComment, github.paginate(path), f"GET {path}")


def _ours(comments: list[LiveComment], marker: str, author: str) -> LiveComment | None:
    first_line = marker_line(marker)
    for comment in comments:
        if (
            comment.user is not None
            and comment.user.login == author
            and (comment.body or "").startswith(first_line)
        ):
            return comment
    return None


def upsert(
    github: GitHub,
    repository: str,
    number: int,
    text: str,
    marker: str,
    author: str = DEFAULT_AUTHOR,
) -> tuple[CommentAction, int]:
    """Create the marked comment, or edit ours; ``text`` already carries the marker line."""
    found = _ours(_comments(github, repository, number), marker, author)
    if found is not None:
        if found.body == text:
            return CommentAction.UNCHANGED, found.id
        path = f"/repos/{repository}/issues/comments/{found.id}"
        try:
            github.send("PATCH", path, {"body": text})
        except AmbiguousWrite:
            github.send("PATCH", path, {"body": text})  # the same body again: idempotent
        return CommentAction.UPDATED, found.id
    path = f"/repos/{repository}/issues/{number}/comments"
    try:
        created = github.send("POST", path, {"body": text})
    except AmbiguousWrite:
        # it may have been posted: look before posting again (a duplicate would stay forever)
        again = _ours(_comments(github, repository, number), marker, author)
        created = {"id": again.id} if again is not None else github.send("POST", path, {"body": text})
    return CommentAction.CREATED, parse_answer(LiveComment, created, f"POST {path}").id

"""Keep exactly one open issue labelled ``drift`` in step with the latest drift run.

Drift (an audit that found drift, or a Pulumi refresh-preview that failed on changes) opens the issue or
rewrites the open one's body; a clean run (the audit exited 0 and the Pulumi step succeeded) closes it
with a comment. A run that could not check (the audit exited 2 or 3) leaves the issue as it is, with a
comment saying so; a clean audit on a day without the refresh-preview leaves it open, silently. Extra
open ``drift`` issues are closed as duplicates of the oldest, so there is never more than one.

Only repoconf's own issue is a candidate: open, labelled ``drift``, not a pull request (GitHub's issue
listing includes them, marked by a ``pull_request`` key), written by ``author`` (the workflow token's
login, ``github-actions[bot]``) and starting with the hidden :data:`MARKER` line. Anyone who can label an
issue can label it ``drift``, and anyone can paste a marker, but only the token writes as its author: a
person's issue is never edited, commented on or closed, as the pull-request comment is found by marker
and author too (ops/pr_comment.py). Writes that fail ambiguously are re-read before any retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from repoconf.github.errors import AmbiguousWrite
from repoconf.github.responses import parse_answer
from repoconf.text import fit

if TYPE_CHECKING:  # the HTTP client is loaded by the command that opens it
    from repoconf.github.client import GitHub

LABEL = "drift"
TITLE = "Configuration drift detected by repoconf"
MARKER = "<!-- repoconf:drift -->"
"""The hidden first line of repoconf's drift issue (an HTML comment renders as nothing)."""
DEFAULT_AUTHOR = "github-actions[bot]"
"""The login of the workflow's ``GITHUB_TOKEN``: the author of repoconf's issue and comment."""
MAX_BODY = 65_536
"""GitHub's limit on an issue body, in characters."""


class PulumiOutcome(StrEnum):
    """The outcome of the workflow's ``pulumi preview --refresh --expect-no-changes`` step."""

    SUCCESS = "success"
    FAILURE = "failure"
    SKIPPED = "skipped"


class Action(StrEnum):
    """What the run did to the issue."""

    OPENED = "opened"
    UPDATED = "updated"
    CLOSED = "closed"
    UNCHECKED = "left open (run could not check)"
    WAITING = "left open (audit clean; closes after a run with the refresh-preview)"
    NOTHING = "nothing"


class _Label(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    name: str


class _User(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    login: str


class LiveIssue(BaseModel):
    """An issue (or pull request) as GitHub's issue endpoints return it: the fields read here."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: int
    number: int
    state: str
    body: str | None = None
    labels: list[_Label | str] = Field(default_factory=list)
    pull_request: dict[str, Any] | None = None
    user: _User | None = None

    def is_drift_issue(self, author: str) -> bool:
        """Repoconf's issue: open, not a pull request, labelled ``drift``, written by ``author`` and
        starting with :data:`MARKER`.
        """
        names = {label if isinstance(label, str) else label.name for label in self.labels}
        return (
            self.pull_request is None
            and self.state == "open"
            and LABEL in names
            and self.user is not None
            and self.user.login == author
            and (self.body or "").startswith(MARKER)
        )


@dataclass(frozen=True)
class DriftRun:
    """One drift run's results."""

    audit_exit: int
    audit_report: str
    pulumi_outcome: PulumiOutcome | None
    """None: the run has no refresh-preview and the audit alone is the verdict (the shipped drift.yml)."""
    run_url: str

    @property
    def drifted(self) -> bool:
        """The audit found drift, or `pulumi preview --expect-no-changes` failed."""
        return self.audit_exit == 1 or self.pulumi_outcome is PulumiOutcome.FAILURE

    @property
    def clean(self) -> bool:
        """Every check of the run ran and found nothing: only such a run may close the issue."""
        return self.audit_exit == 0 and self.pulumi_outcome in (PulumiOutcome.SUCCESS, None)

    def body(self) -> str:
        """The issue's body: the latest run's findings, cut to GitHub's limit with a link to the run."""
        pulumi = {
            PulumiOutcome.SUCCESS: "no changes",
            PulumiOutcome.FAILURE: "**changes or errors** (see the run)",
            PulumiOutcome.SKIPPED: "skipped",
            None: None,
        }[self.pulumi_outcome]
        audit = {0: "compliant", 1: "drift"}.get(self.audit_exit, f"could not check (exit {self.audit_exit})")
        checks = [] if pulumi is None else [f"- `pulumi preview --refresh --expect-no-changes`: {pulumi}"]
        head = "\n".join(
            [MARKER, f"Latest drift run: {self.run_url}", "", *checks, f"- `repoconf audit`: {audit}", "", ""]
        )
        tail = "\n\n_This issue is kept up to date by the drift workflow and closed by the first clean run._"
        report = self.audit_report.strip()
        cut = f"\n\n… the report is cut to fit GitHub's issue size; the full report: {self.run_url}"
        return head + fit(report, MAX_BODY - len(head) - len(tail), cut) + tail


def open_drift_issues(github: GitHub, repository: str, author: str = DEFAULT_AUTHOR) -> list[LiveIssue]:
    """Repoconf's open drift issues (:meth:`LiveIssue.is_drift_issue`), oldest first."""
    path = f"/repos/{repository}/issues"
    found = [
        parse_answer(LiveIssue, raw, f"GET {path}")
        for raw in github.paginate(path, params={"state": "open", "labels": LABEL, "direction": "asc"})
    ]
    ours = (issue for issue in found if issue.is_drift_issue(author))
    return sorted(ours, key=lambda issue: issue.number)


def _update(github: GitHub, repository: str, issue: LiveIssue, fields: dict[str, Any]) -> None:
    """PATCH an issue; after an ambiguous failure, re-read it and send again only if it did not apply."""
    path = f"/repos/{repository}/issues/{issue.number}"
    try:
        github.send("PATCH", path, fields)
    except AmbiguousWrite:
        current = github.get(path)
        if not isinstance(current, dict) or any(current.get(key) != value for key, value in fields.items()):
            github.send("PATCH", path, fields)


def _comment(github: GitHub, repository: str, issue: LiveIssue, body: str) -> None:
    # A comment that may or may not have been posted is not sent again: a missing note is harmless, a
    # duplicate one is noise.
    github.send("POST", f"/repos/{repository}/issues/{issue.number}/comments", {"body": body})


def _open(github: GitHub, repository: str, body: str, author: str) -> LiveIssue:
    """Create the issue; after an ambiguous failure, re-read the listing before creating again."""
    payload = {"title": TITLE, "body": body, "labels": [LABEL]}
    request = f"POST /repos/{repository}/issues"
    try:
        return parse_answer(LiveIssue, github.send("POST", f"/repos/{repository}/issues", payload), request)
    except AmbiguousWrite:
        existing = open_drift_issues(github, repository, author)
        if existing:
            return existing[0]
        return parse_answer(LiveIssue, github.send("POST", f"/repos/{repository}/issues", payload), request)


def sync(
    github: GitHub, repository: str, run: DriftRun, author: str = DEFAULT_AUTHOR
) -> tuple[Action, int | None]:
    """Open, update or close repoconf's drift issue (written by ``author``); return what was done and the
    issue's number.
    """
    issues = open_drift_issues(github, repository, author)
    current = issues[0] if issues else None
    if current is not None:
        for duplicate in issues[1:]:
            note = f"Duplicate of #{current.number}: repoconf keeps one drift issue."
            _comment(github, repository, duplicate, note)
            closed = {"state": "closed", "state_reason": "duplicate", "duplicate_issue_id": current.id}
            _update(github, repository, duplicate, closed)
    if run.drifted:
        if current is None:
            created = _open(github, repository, run.body(), author)
            return Action.OPENED, created.number
        _update(github, repository, current, {"body": run.body()})
        return Action.UPDATED, current.number
    if current is None:
        return Action.NOTHING, None
    if run.audit_exit == 0 and run.pulumi_outcome is PulumiOutcome.SKIPPED:
        # A drift job that runs its own refresh-preview on some days only (the shipped drift.yml runs none):
        # the audit is clean, but only a run with the preview may close the issue. Nothing to say until then.
        return Action.WAITING, current.number
    if not run.clean:
        _comment(
            github,
            repository,
            current,
            f"This drift run could not check (audit exit {run.audit_exit}, Pulumi {run.pulumi_outcome}): "
            f"{run.run_url}. The issue stays open until a clean run.",
        )
        return Action.UNCHECKED, current.number
    _comment(github, repository, current, f"Clean drift run: {run.run_url}. Closing.")
    _update(github, repository, current, {"state": "closed", "state_reason": "completed"})
    return Action.CLOSED, current.number

"""Keep exactly one open issue labelled ``drift`` in step with the latest drift run.

Drift (an audit that found drift, or a Pulumi refresh-preview that failed on changes) opens the issue or
rewrites the open one's body; a clean run closes it with a comment. Extra open ``drift`` issues (made by
hand, or by an older tool) are closed as duplicates, so there is never more than one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from repoconf.github.client import GitHub

LABEL = "drift"
TITLE = "Configuration drift detected by repoconf"


class Action(StrEnum):
    """What the run did to the issue."""

    OPENED = "opened"
    UPDATED = "updated"
    CLOSED = "closed"
    NOTHING = "nothing"


@dataclass(frozen=True)
class DriftRun:
    """One drift run's results."""

    audit_exit: int
    audit_report: str
    pulumi_outcome: str
    run_url: str

    @property
    def drifted(self) -> bool:
        """The audit found drift, or `pulumi preview --expect-no-changes` failed."""
        return self.audit_exit == 1 or self.pulumi_outcome == "failure"

    def body(self) -> str:
        """The issue's body: the latest run's findings."""
        pulumi = {
            "success": "no changes",
            "failure": "**changes or errors** (see the run)",
            "skipped": "skipped",
        }.get(self.pulumi_outcome, self.pulumi_outcome)
        return "\n".join(
            [
                f"Latest drift run: {self.run_url}",
                "",
                f"- `pulumi preview --refresh --expect-no-changes`: {pulumi}",
                f"- `repoconf audit`: {'drift' if self.audit_exit == 1 else 'compliant'}",
                "",
                self.audit_report.strip(),
                "",
                "_This issue is kept up to date by the drift workflow and closed by the first clean run._",
            ]
        )


def _open_issues(github: GitHub, repository: str) -> list[dict[str, Any]]:
    issues = [
        issue
        for issue in github.paginate(f"/repos/{repository}/issues?state=open&labels={LABEL}")
        if "pull_request" not in issue
    ]
    return sorted(issues, key=lambda issue: int(issue["number"]))


def sync(github: GitHub, repository: str, run: DriftRun) -> tuple[Action, int | None]:
    """Open, update or close the drift issue; return what was done and the issue's number."""
    issues = _open_issues(github, repository)
    current = issues[0] if issues else None
    for duplicate in issues[1:]:
        github.send(
            "POST",
            f"/repos/{repository}/issues/{duplicate['number']}/comments",
            {"body": f"Duplicate of #{issues[0]['number']}: repoconf keeps one drift issue."},
        )
        github.send(
            "PATCH",
            f"/repos/{repository}/issues/{duplicate['number']}",
            {"state": "closed", "state_reason": "not_planned"},
        )
    if run.drifted:
        if current is None:
            created = github.send(
                "POST", f"/repos/{repository}/issues", {"title": TITLE, "body": run.body(), "labels": [LABEL]}
            )
            return Action.OPENED, int(created["number"])
        github.send("PATCH", f"/repos/{repository}/issues/{current['number']}", {"body": run.body()})
        return Action.UPDATED, int(current["number"])
    if current is None:
        return Action.NOTHING, None
    github.send(
        "POST",
        f"/repos/{repository}/issues/{current['number']}/comments",
        {"body": f"Clean drift run: {run.run_url}. Closing."},
    )
    github.send(
        "PATCH",
        f"/repos/{repository}/issues/{current['number']}",
        {"state": "closed", "state_reason": "completed"},
    )
    return Action.CLOSED, int(current["number"])

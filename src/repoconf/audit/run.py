"""Audit many repositories concurrently with a bounded pool, each on its own.

A repository that cannot be read (a 403, a 404 below the repository, 5xx past the retries, an answer
that does not fit) gets an ``error`` entry and the others are still reported in full. An error about the
whole run (a refused token, the waiting budget spent, the run's deadline) stops it: repositories not read
by then get an error entry naming the cause, so the report says what was read and what was not.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from repoconf.github.client import GitHub, RateLimitStatus
from repoconf.github.errors import GitHubError
from repoconf.live.blobs import BlobStore
from repoconf.live.compare import Finding, compare
from repoconf.live.read import TeamDirectory, plan_for, read_repository
from repoconf.policy.model import Policy, RepositorySettings
from repoconf.progress import Progress


@dataclass(frozen=True)
class RepositoryReport:
    """One repository's findings, what could not be verified, or why it could not be read."""

    name: str
    findings: list[Finding]
    unverified: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def compliant(self) -> bool:
        """Read, and no finding at all."""
        return self.error is None and not self.findings


@dataclass(frozen=True)
class AuditReport:
    """Every audited repository, in policy order, and what the run cost."""

    repositories: list[RepositoryReport]
    requests: int
    rate_limit: RateLimitStatus = field(default_factory=RateLimitStatus)
    not_modified: int = 0
    stopped: str | None = None
    """Why the run stopped before reading every repository, if it did."""

    @property
    def compliant(self) -> bool:
        """Every repository read and compliant."""
        return all(report.compliant for report in self.repositories)

    @property
    def errors(self) -> int:
        """Repositories that could not be read."""
        return sum(report.error is not None for report in self.repositories)

    def as_json(self) -> dict[str, Any]:
        """The JSON shape of SPEC §7."""
        return {
            "repositories": [
                {
                    "name": report.name,
                    "compliant": report.compliant,
                    "findings": [finding.as_json() for finding in report.findings],
                    "unverified": report.unverified,
                    "error": report.error,
                }
                for report in self.repositories
            ],
            "summary": {
                "repositories": len(self.repositories),
                "compliant": sum(report.compliant for report in self.repositories),
                "findings": sum(len(report.findings) for report in self.repositories),
                "errors": self.errors,
                "requests": self.requests,
                "not_modified": self.not_modified,
                "rate_limit": self.rate_limit.as_json(),
            },
        }


def audit_repository(
    github: GitHub,
    owner: str,
    name: str,
    settings: RepositorySettings,
    teams: TeamDirectory | None = None,
    blobs: BlobStore | None = None,
) -> RepositoryReport:
    """Read and compare one repository; a :class:`GitHubError` about the run propagates."""
    try:
        live = read_repository(github, owner, name, plan_for(settings), teams, blobs)
    except GitHubError as error:
        if error.aborts_run:
            raise
        return RepositoryReport(name, [], [], str(error))
    result = compare(settings, live)
    return RepositoryReport(name, result.findings, result.unverified)


REQUESTS_PER_REPOSITORY = 19
"""What the shipped policy costs per repository without a cache (18 for its settings, 1 for its tree;
workflow files and the reviewer teams' repository listings are read once per run), until the run has
measured its own."""


def budget_problem(github: GitHub, repositories_read: int) -> str | None:
    """Why the next repository must not be started: GitHub's remaining rate limit is smaller than what a
    repository has cost so far (requests answered 304 cost nothing), or None.
    """
    remaining, reset = github.rate_limit.remaining, github.rate_limit.reset
    if remaining is None:
        return None
    charged = github.requests - github.not_modified
    per_repository = -(-charged // repositories_read) if repositories_read else REQUESTS_PER_REPOSITORY
    if remaining >= per_repository:
        return None
    when = datetime.fromtimestamp(reset, UTC).strftime("%Y-%m-%d %H:%M UTC") if reset else "its reset"
    return (
        f"GitHub's rate limit has {remaining} request(s) left, fewer than a repository takes "
        f"(about {per_repository}): run again after {when}"
    )


def audit(
    github: GitHub,
    policy: Policy,
    repositories: list[str] | None = None,
    workers: int = 8,
    progress: Progress | None = None,
) -> AuditReport:
    """Audit the policy's repositories (or the named ones)."""
    names = [name for name in policy.repositories if repositories is None or name in repositories]
    finished: list[str] = []
    lock = threading.Lock()
    stopped: list[str] = []
    teams = TeamDirectory(github, policy.owner)
    blobs = BlobStore(github.cache)

    def one(name: str) -> RepositoryReport:
        if not stopped:
            with lock:
                problem = budget_problem(github, len(finished))
                if problem is not None:
                    stopped.append(problem)
        if stopped:
            report = RepositoryReport(name, [], [], f"not read: the run stopped ({stopped[0]})")
        else:
            try:
                settings = policy.repositories[name]
                report = audit_repository(github, policy.owner, name, settings, teams, blobs)
            except GitHubError as error:
                with lock:
                    stopped.append(str(error))
                report = RepositoryReport(name, [], [], str(error))
        with lock:
            finished.append(name)
            if progress is not None:
                progress(len(finished), len(names), name)
        return report

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="repoconf-audit") as pool:
        reports = list(pool.map(one, names))
    return AuditReport(
        reports,
        github.requests,
        github.rate_limit,
        not_modified=github.not_modified,
        stopped=stopped[0] if stopped else None,
    )

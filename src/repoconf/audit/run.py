"""Audit many repositories concurrently with a bounded pool."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from repoconf.audit.compare import Finding, compare
from repoconf.audit.read import read_repository
from repoconf.concepts.branches import classic_branches
from repoconf.github.client import GitHub
from repoconf.policy.model import Policy, RepositorySettings
from repoconf.progress import Progress


@dataclass(frozen=True)
class RepositoryReport:
    """One repository's findings."""

    name: str
    findings: list[Finding]

    @property
    def compliant(self) -> bool:
        """No finding at all."""
        return not self.findings


@dataclass(frozen=True)
class AuditReport:
    """Every audited repository, in policy order, and the requests it took."""

    repositories: list[RepositoryReport]
    requests: int

    @property
    def compliant(self) -> bool:
        """Every repository compliant."""
        return all(report.compliant for report in self.repositories)

    def as_json(self) -> dict[str, Any]:
        """The JSON shape of SPEC §7."""
        return {
            "repositories": [
                {
                    "name": report.name,
                    "compliant": report.compliant,
                    "findings": [finding.as_json() for finding in report.findings],
                }
                for report in self.repositories
            ],
            "summary": {
                "repositories": len(self.repositories),
                "compliant": sum(report.compliant for report in self.repositories),
                "findings": sum(len(report.findings) for report in self.repositories),
                "requests": self.requests,
            },
        }


def _audit_one(github: GitHub, owner: str, name: str, settings: RepositorySettings) -> RepositoryReport:
    live = read_repository(github, owner, name, classic_branches(settings))
    return RepositoryReport(name, compare(settings, live))


def audit(
    github: GitHub,
    policy: Policy,
    repositories: list[str] | None = None,
    workers: int = 8,
    progress: Progress | None = None,
) -> AuditReport:
    """Audit the policy's repositories (or the named ones); the first GitHubError stops the audit."""
    names = [name for name in policy.repositories if repositories is None or name in repositories]
    finished: list[str] = []
    lock = threading.Lock()

    def one(name: str) -> RepositoryReport:
        report = _audit_one(github, policy.owner, name, policy.repositories[name])
        with lock:
            finished.append(name)
            if progress is not None:
                progress(len(finished), len(names), name)
        return report

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="repoconf-audit") as pool:
        reports = list(pool.map(one, names))
    return AuditReport(reports, github.requests)

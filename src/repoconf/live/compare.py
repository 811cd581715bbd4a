"""Policy versus live repository: findings with the dotted policy paths of SPEC §7.

Every comparison is a concept's settings table (:mod:`repoconf.concepts.table`): each row's declared view
against the view read from GitHub's answer, so the audit compares everything the program declares, fixed
parts included. A live value this token cannot see (:data:`~repoconf.concepts.live.UNVERIFIED`) is never
drift and never compliance: its path goes to ``unverified``. Names GitHub compares case-insensitively
(environments, secrets, variables, reviewers) are compared that way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from repoconf.concepts import access, branches, environments, release_tags, secrets_variables
from repoconf.concepts.branches import BranchDeclaration, classic_branches
from repoconf.concepts.content import check_content
from repoconf.concepts.live import Unverified, plain
from repoconf.concepts.table import Compare, Row, declared_view, live_view, present
from repoconf.live.read import LiveRepository
from repoconf.policy.model import ProtectionEngine, RepositorySettings

BRANCH_NOT_FOUND = "branch does not exist"


class Kind(StrEnum):
    """What kind of drift a finding is."""

    MISSING = "missing"
    EXTRA = "extra"
    CHANGED = "changed"


@dataclass(frozen=True)
class Finding:
    """One difference between the policy and GitHub."""

    kind: Kind
    path: str
    expected: Any
    actual: Any

    def as_json(self) -> dict[str, Any]:
        """``{"kind", "path", "expected", "actual"}``."""
        return {
            "kind": str(self.kind),
            "path": self.path,
            "expected": self.expected,
            "actual": plain(self.actual),
        }


@dataclass
class Comparison:
    """Findings, and the paths that could not be verified with this token."""

    findings: list[Finding] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)

    def add(self, kind: Kind, path: str, expected: Any, actual: Any) -> None:
        """Record a finding."""
        self.findings.append(Finding(kind, path, expected, actual))

    def names(self, prefix: str, expected: Iterable[str], actual: Iterable[str]) -> None:
        """Secret names, compared as GitHub compares them (case-insensitively): presence only."""
        wanted = {name.casefold(): name for name in expected}
        found = {name.casefold(): name for name in actual}
        for key in sorted(wanted.keys() - found.keys()):
            self.add(Kind.MISSING, f"{prefix}.{wanted[key]}", "present", None)
        for key in sorted(found.keys() - wanted.keys()):
            self.add(Kind.EXTRA, f"{prefix}.{found[key]}", None, "present")

    def values(self, prefix: str, expected: dict[str, str], actual: dict[str, str]) -> None:
        """Variables: names (case-insensitively) and values (exactly)."""
        wanted = {name.casefold(): name for name in expected}
        found = {name.casefold(): name for name in actual}
        for key in sorted(wanted.keys() | found.keys()):
            if key not in found:
                self.add(Kind.MISSING, f"{prefix}.{wanted[key]}", expected[wanted[key]], None)
            elif key not in wanted:
                self.add(Kind.EXTRA, f"{prefix}.{found[key]}", None, actual[found[key]])
            elif expected[wanted[key]] != actual[found[key]]:
                self.add(Kind.CHANGED, f"{prefix}.{wanted[key]}", expected[wanted[key]], actual[found[key]])

    def table(self, prefix: str, rows: Iterable[Row[Any, Any]], model: Any, raw: Any) -> None:
        """Every row of a concept's table: declared against live, each by its own rule."""
        rows = list(rows)
        expected, actual = declared_view(rows, model), live_view(rows, raw)
        for row in rows:
            if row.within is not None and not (present(expected[row.within]) and present(actual[row.within])):
                continue  # the part it lives in is missing: that part is the one finding
            path = f"{prefix}.{row.key}" if prefix else row.key
            wanted, found = expected[row.key], actual[row.key]
            if isinstance(found, Unverified):
                self.unverified.append(path)
            elif row.compare is Compare.NAMES:
                self.names(path, wanted, found)
            elif row.compare is Compare.NAMED_VALUES:
                self.values(path, wanted, found)
            else:
                verdict = row.same(wanted, found)
                if isinstance(verdict, Unverified):
                    self.unverified.append(path)
                elif not verdict:
                    self.add(Kind.CHANGED, path, wanted, found)


def _environments(settings: RepositorySettings, live: LiveRepository, result: Comparison) -> None:
    matched: set[str] = set()
    for name, env in settings.environments.items():
        path = f"environments.{name}"
        answer = live.environment(name)
        if answer is None:
            result.add(Kind.MISSING, path, declared_view(environments.TABLE, env), None)
            continue
        matched.add(answer.item.name)
        result.table(path, environments.TABLE, env, answer)
    for name in sorted(live.environments.keys() - matched):
        result.add(
            Kind.EXTRA, f"environments.{name}", None, live_view(environments.TABLE, live.environments[name])
        )


def _branches(settings: RepositorySettings, live: LiveRepository, result: Comparison) -> None:
    engine = settings.protection_engine
    table = branches.table_for(engine)
    classic = engine is ProtectionEngine.CLASSIC
    audited = set(classic_branches(settings)) if classic else set(settings.branches)
    for pattern, rule in settings.branches.items():
        if pattern not in audited:
            # a classic rule with a wildcard is visible through GraphQL only, which the audit does not read
            result.unverified.append(f"branches.{pattern}")
            continue
        path = f"branches.{pattern}"
        declaration = BranchDeclaration(pattern, rule)
        raw: Any = live.classic.get(pattern) if classic else live.branch_rulesets.get(pattern)
        if raw is None:
            missing = BRANCH_NOT_FOUND if pattern in live.missing_branches else None
            result.add(Kind.MISSING, path, declared_view(table, declaration), missing)
            continue
        result.table(path, table, declaration, raw)
    # Under classic protection every `repoconf branch` ruleset is left over (from the ruleset engine or
    # made by hand under repoconf's name): its bypass actors and rules apply on top of the protection.
    left_over = live.branch_rulesets.keys() - (set() if classic else settings.branches.keys())
    for pattern in sorted(left_over):
        view = live_view(branches.RULESET_TABLE, live.branch_rulesets[pattern])
        result.add(Kind.EXTRA, f"branches.{pattern}", None, view)


def _ruleset(
    path: str,
    table: tuple[Row[Any, Any], ...],
    declared: Any,
    raw: Any,
    result: Comparison,
) -> None:
    """One ruleset repoconf manages (or must not have): extra, missing, or compared row by row."""
    if declared is None:
        if raw is not None:
            result.add(Kind.EXTRA, path, None, live_view(table, raw))
    elif raw is None:
        result.add(Kind.MISSING, path, declared_view(table, declared), None)
    else:
        result.table("release_tags", table, declared, raw)


def _release_tags(settings: RepositorySettings, live: LiveRepository, result: Comparison) -> None:
    tags = settings.release_tags
    _ruleset("release_tags", release_tags.PROTECTION_TABLE, tags, live.release_tags, result)
    creators = tags if tags is not None and tags.created_by is not None else None
    _ruleset("release_tags.created_by", release_tags.CREATION_TABLE, creators, live.tag_creation, result)


def _access(settings: RepositorySettings, live: LiveRepository, result: Comparison) -> None:
    """Each team grant the policy declares, and whether every environment reviewer can approve."""
    teams = {slug.casefold(): team for slug, team in (live.teams or {}).items()}
    for grant in access.grants(settings):
        path = f"access.teams.{grant.slug}"
        team = teams.get(grant.slug.casefold())
        if live.teams is None:
            result.unverified.append(path)
        elif team is None:
            result.add(Kind.MISSING, path, declared_view(access.TABLE, grant), None)
        else:
            result.table(path, access.TABLE, grant, team)
    found, unverified = access.reviewers_without_access(settings, live.reviewer_teams, live.users)
    for reviewer in found:
        result.add(Kind.MISSING, reviewer.path, f"read access to the repository: {reviewer.fix}", None)
    result.unverified += unverified


def _content(settings: RepositorySettings, live: LiveRepository, result: Comparison) -> None:
    if live.content is None:
        return
    found = check_content(settings, live.content)
    for path in found.missing_files:
        result.add(Kind.MISSING, f"required_files.{path}", "present", None)
    for context in found.missing_checks:
        result.add(
            Kind.MISSING,
            f"check_producers.{context}",
            "a job of a workflow run on pull requests, named as the check",
            None,
        )
    result.unverified += found.unverified


def compare(settings: RepositorySettings, live: LiveRepository) -> Comparison:
    """Every difference between a repository's merged policy and its live settings."""
    result = Comparison()
    if not live.exists:
        result.add(Kind.MISSING, "repository", live.name, None)
        return result
    _environments(settings, live, result)
    result.table("", secrets_variables.TABLE, settings, live.actions)
    _branches(settings, live, result)
    _release_tags(settings, live, result)
    _access(settings, live, result)
    _content(settings, live, result)
    return result

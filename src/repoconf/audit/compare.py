"""Policy versus live repository: findings with the dotted policy paths of SPEC §7.

A live value this token cannot see (:data:`~repoconf.concepts.live.UNVERIFIED`) is never drift and never
compliance: its path goes to ``unverified``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from repoconf.concepts.branches import branch_rule_view, classic_branches, ruleset_shape
from repoconf.concepts.content import check_content
from repoconf.concepts.environments import environment_view
from repoconf.concepts.live import Unverified, plain
from repoconf.concepts.release_tags import creation_view, release_tags_view
from repoconf.concepts.secrets_variables import secret_names, variable_values
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

    def names(self, prefix: str, expected: set[str], actual: set[str]) -> None:
        """Secret names: presence only (values cannot be read)."""
        for name in sorted(expected - actual):
            self.add(Kind.MISSING, f"{prefix}.{name}", "present", None)
        for name in sorted(actual - expected):
            self.add(Kind.EXTRA, f"{prefix}.{name}", None, "present")

    def values(self, prefix: str, expected: dict[str, str], actual: dict[str, str]) -> None:
        """Variables: names and values."""
        for name in sorted(expected.keys() | actual.keys()):
            if name not in actual:
                self.add(Kind.MISSING, f"{prefix}.{name}", expected[name], None)
            elif name not in expected:
                self.add(Kind.EXTRA, f"{prefix}.{name}", None, actual[name])
            elif expected[name] != actual[name]:
                self.add(Kind.CHANGED, f"{prefix}.{name}", expected[name], actual[name])

    def fields(self, prefix: str, expected: dict[str, Any], actual: dict[str, Any]) -> None:
        """Field by field; an unverifiable live field is recorded as such."""
        for key, value in expected.items():
            live = actual.get(key)
            if isinstance(live, Unverified):
                self.unverified.append(f"{prefix}.{key}")
            elif live != value:
                self.add(Kind.CHANGED, f"{prefix}.{key}", value, live)


def _environments(settings: RepositorySettings, live: LiveRepository, result: Comparison) -> None:
    for name, env in settings.environments.items():
        path = f"environments.{name}"
        live_env = live.environments.get(name)
        if live_env is None:
            result.add(Kind.MISSING, path, environment_view(env), None)
            continue
        result.fields(path, environment_view(env), live_env.view)
        result.names(f"{path}.secrets", secret_names(env.secrets), live_env.secrets)
        result.values(f"{path}.variables", variable_values(env.variables), live_env.variables)
    for name in sorted(live.environments.keys() - settings.environments.keys()):
        result.add(Kind.EXTRA, f"environments.{name}", None, live.environments[name].view)


def _branches(settings: RepositorySettings, live: LiveRepository, result: Comparison) -> None:
    classic = settings.protection_engine is ProtectionEngine.CLASSIC
    actual_rules = live.classic if classic else live.branch_rulesets
    audited = set(classic_branches(settings)) if classic else set(settings.branches)
    for pattern, rule in settings.branches.items():
        if pattern not in audited:
            continue
        path = f"branches.{pattern}"
        actual = actual_rules.get(pattern)
        expected = branch_rule_view(rule)
        if actual is None:
            result.add(
                Kind.MISSING, path, expected, BRANCH_NOT_FOUND if pattern in live.missing_branches else None
            )
            continue
        result.fields(path, expected, actual)
        if not classic:
            result.fields(path, ruleset_shape(pattern), actual)
    if not classic:
        for pattern in sorted(live.branch_rulesets.keys() - settings.branches.keys()):
            result.add(Kind.EXTRA, f"branches.{pattern}", None, live.branch_rulesets[pattern])


def _ruleset(
    path: str, expected: dict[str, Any] | None, live: dict[str, Any] | None, result: Comparison
) -> None:
    """One ruleset repoconf manages (or must not have): extra, missing, or compared field by field."""
    if expected is None:
        if live is not None:
            result.add(Kind.EXTRA, path, None, live)
    elif live is None:
        result.add(Kind.MISSING, path, expected, None)
    else:
        result.fields(path, expected, live)


def _release_tags(settings: RepositorySettings, live: LiveRepository, result: Comparison) -> None:
    tags = settings.release_tags
    _ruleset("release_tags", release_tags_view(tags) if tags else None, live.release_tags, result)
    creation = creation_view(tags) if tags and tags.created_by else None
    _ruleset("release_tags.created_by", creation, live.tag_creation, result)


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
    result.names("secrets", secret_names(settings.secrets), live.secrets)
    result.values("variables", variable_values(settings.variables), live.variables)
    _branches(settings, live, result)
    _release_tags(settings, live, result)
    _content(settings, live, result)
    return result

"""Policy versus live repository: findings with the dotted policy paths of SPEC §7."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from repoconf.audit.read import LiveRepository
from repoconf.concepts.actions import secret_names, variable_values
from repoconf.concepts.branches import branch_rule_view, classic_branches, ruleset_shape
from repoconf.concepts.environments import environment_view
from repoconf.concepts.release_tags import release_tags_view
from repoconf.policy.model import ProtectionEngine, RepositorySettings


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
        return {"kind": str(self.kind), "path": self.path, "expected": self.expected, "actual": self.actual}


def _names(prefix: str, expected: set[str], actual: set[str]) -> list[Finding]:
    """Secret names: presence only (values cannot be read)."""
    found = [Finding(Kind.MISSING, f"{prefix}.{name}", "present", None) for name in sorted(expected - actual)]
    found += [Finding(Kind.EXTRA, f"{prefix}.{name}", None, "present") for name in sorted(actual - expected)]
    return found


def _values(prefix: str, expected: dict[str, str], actual: dict[str, str]) -> list[Finding]:
    """Variables: names and values."""
    found: list[Finding] = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            found.append(Finding(Kind.MISSING, f"{prefix}.{name}", expected[name], None))
        elif name not in expected:
            found.append(Finding(Kind.EXTRA, f"{prefix}.{name}", None, actual[name]))
        elif expected[name] != actual[name]:
            found.append(Finding(Kind.CHANGED, f"{prefix}.{name}", expected[name], actual[name]))
    return found


def _fields(prefix: str, expected: dict[str, Any], actual: dict[str, Any]) -> list[Finding]:
    return [
        Finding(Kind.CHANGED, f"{prefix}.{key}", value, actual.get(key))
        for key, value in expected.items()
        if actual.get(key) != value
    ]


def _environments(settings: RepositorySettings, live: LiveRepository) -> list[Finding]:
    found: list[Finding] = []
    for name, env in settings.environments.items():
        path = f"environments.{name}"
        live_env = live.environments.get(name)
        if live_env is None:
            found.append(Finding(Kind.MISSING, path, environment_view(env), None))
            continue
        found += _fields(path, environment_view(env), live_env.view)
        found += _names(f"{path}.secrets", secret_names(env.secrets), live_env.secrets)
        found += _values(f"{path}.variables", variable_values(env.variables), live_env.variables)
    for name in sorted(live.environments.keys() - settings.environments.keys()):
        found.append(Finding(Kind.EXTRA, f"environments.{name}", None, live.environments[name].view))
    return found


def _branches(settings: RepositorySettings, live: LiveRepository) -> list[Finding]:
    found: list[Finding] = []
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
            found.append(Finding(Kind.MISSING, path, expected, None))
            continue
        found += _fields(path, expected, actual)
        if not classic:
            found += _fields(path, ruleset_shape(pattern), actual)
    if not classic:
        for pattern in sorted(live.branch_rulesets.keys() - settings.branches.keys()):
            found.append(Finding(Kind.EXTRA, f"branches.{pattern}", None, live.branch_rulesets[pattern]))
    return found


def _release_tags(settings: RepositorySettings, live: LiveRepository) -> list[Finding]:
    if settings.release_tags is None:
        return (
            []
            if live.release_tags is None
            else [Finding(Kind.EXTRA, "release_tags", None, live.release_tags)]
        )
    expected = release_tags_view(settings.release_tags)
    if live.release_tags is None:
        return [Finding(Kind.MISSING, "release_tags", expected, None)]
    if live.release_tags != expected:
        return [Finding(Kind.CHANGED, "release_tags", expected, live.release_tags)]
    return []


def compare(settings: RepositorySettings, live: LiveRepository) -> list[Finding]:
    """Every difference between a repository's merged policy and its live settings."""
    if not live.exists:
        return [Finding(Kind.MISSING, "repository", live.name, None)]
    return [
        *_environments(settings, live),
        *_names("secrets", secret_names(settings.secrets), live.secrets),
        *_values("variables", variable_values(settings.variables), live.variables),
        *_branches(settings, live),
        *_release_tags(settings, live),
    ]

"""Stable logical names derived from policy keys (SPEC §4).

A name depends only on the repository, environment, pattern or secret it describes, never on the order
of the policy file, so re-ordering the policy changes nothing in the stack.
"""

from __future__ import annotations


def environment(repository: str, env: str) -> str:
    """``<repo>/<env>``."""
    return f"{repository}/{env}"


def deployment_policy(repository: str, env: str, kind: str, pattern: str) -> str:
    """``<repo>/<env>/branch/<pattern>`` or ``<repo>/<env>/tag/<pattern>``."""
    return f"{repository}/{env}/{kind}/{pattern}"


def environment_secret(repository: str, env: str, secret: str) -> str:
    """``<repo>/<env>/secret/<NAME>``."""
    return f"{repository}/{env}/secret/{secret}"


def environment_variable(repository: str, env: str, variable: str) -> str:
    """``<repo>/<env>/variable/<NAME>``."""
    return f"{repository}/{env}/variable/{variable}"


def repository_secret(repository: str, secret: str) -> str:
    """``<repo>/secret/<NAME>``."""
    return f"{repository}/secret/{secret}"


def repository_variable(repository: str, variable: str) -> str:
    """``<repo>/variable/<NAME>``."""
    return f"{repository}/variable/{variable}"


def branch_rule(repository: str, pattern: str) -> str:
    """``<repo>/branch/<pattern>`` (ruleset or classic protection alike)."""
    return f"{repository}/branch/{pattern}"


def release_tags(repository: str) -> str:
    """``<repo>/release-tags``."""
    return f"{repository}/release-tags"

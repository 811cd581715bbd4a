"""Stable logical names derived from policy keys (SPEC §4).

A name depends only on the repository, environment, pattern or secret it describes, never on the order
of the policy file, so re-ordering the policy changes nothing in the stack.
"""

from __future__ import annotations

from repoconf.policy.diagnostics import Problem
from repoconf.policy.model import RepositorySettings, held_by_stack
from repoconf.policy.source import Path


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


def release_tag_creation(repository: str) -> str:
    """``<repo>/release-tag-creation``."""
    return f"{repository}/release-tag-creation"


def team_access(repository: str, slug: str) -> str:
    """``<repo>/access/team/<slug>``."""
    return f"{repository}/access/team/{slug}"


def planned(repository: str, settings: RepositorySettings) -> list[tuple[str, Path]]:
    """Every logical name the program will declare for a repository, with the policy path it comes from.

    Names are built from policy keys, so two keys can in principle meet on one name (an environment
    called ``release-tags`` and the release-tag ruleset; an environment ``a/branch/x`` and environment
    ``a``'s deployment policy for branch ``x``). :func:`collisions` finds them before anything is declared.
    """
    found: list[tuple[str, Path]] = []
    for env_name, env in settings.environments.items():
        env_path: Path = ("environments", env_name)
        found.append((environment(repository, env_name), env_path))
        refs = env.deployment_refs
        if refs is not None and not refs.protected:
            for kind, patterns in (("branch", refs.branches or ()), ("tag", refs.tag_patterns())):
                for pattern in patterns:
                    found.append(
                        (
                            deployment_policy(repository, env_name, kind, pattern),
                            (*env_path, "deployment_refs"),
                        )
                    )
        found += [
            (environment_secret(repository, env_name, n), (*env_path, "secrets", n))
            for n in held_by_stack(env.secrets)
        ]
        found += [
            (environment_variable(repository, env_name, n), (*env_path, "variables", n))
            for n in env.variables
        ]
    found += [(repository_secret(repository, n), ("secrets", n)) for n in held_by_stack(settings.secrets)]
    found += [(repository_variable(repository, n), ("variables", n)) for n in settings.variables]
    found += [(branch_rule(repository, pattern), ("branches", pattern)) for pattern in settings.branches]
    if settings.access is not None:
        found += [
            (team_access(repository, slug), ("access", "teams", slug)) for slug in settings.access.teams
        ]
    if settings.release_tags is not None:
        found.append((release_tags(repository), ("release_tags",)))
        if settings.release_tags.created_by is not None:
            found.append((release_tag_creation(repository), ("release_tags", "created_by")))
    return found


def collisions(repository: str, settings: RepositorySettings) -> list[Problem]:
    """Two policy entries that would declare one logical name: each is a problem at the second entry."""
    first: dict[str, Path] = {repository: ()}
    problems: list[Problem] = []
    for name, path in planned(repository, settings):
        if name in first:
            other = ".".join(str(part) for part in first[name]) or "the repository itself"
            problems.append(
                Problem(
                    path,
                    f"declares the resource {name!r}, which {other} declares too: one would hide the "
                    "other; rename one of them",
                )
            )
        else:
            first[name] = path
    return problems

"""Actions secrets and variables, at repository and environment scope.

Policy side: ``secrets`` (NAME → source) and ``variables`` (NAME → value) of a repository or an
environment. Provider side: ``ActionsSecret`` / ``ActionsVariable`` (``ActionsEnvironmentSecret`` /
``ActionsEnvironmentVariable`` in an environment), one resource per name, declared by the program; an
``{external: true}`` secret has no resource (its value is set on GitHub, never held by repoconf). Live
side: the ``secrets`` and ``variables`` arrays of GitHub's listings
(../shared/github-api/GET_repos_OWNER_REPO_actions_secrets.json, ..._variables.json and the environment
ones). Secret values can never be read: secrets compare by name only. GitHub compares names
case-insensitively and lists them upper-case, so the audit compares them folded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from repoconf.concepts.live import LiveModel
from repoconf.concepts.table import OMIT, Compare, Row, same_folded
from repoconf.policy.model import RepositorySettings


class LiveSecret(LiveModel):
    """An item of a secrets listing (its value is never readable)."""

    name: str


class LiveVariable(LiveModel):
    """An item of a variables listing."""

    name: str
    value: str


@dataclass(frozen=True)
class LiveActions:
    """A repository's Actions secrets (names) and variables, as its listings answer them."""

    secrets: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)


def secret_names_view(secrets: Mapping[str, Any]) -> list[str]:
    """Policy → view: the names of declared secrets (their sources are not comparable)."""
    return sorted(secrets)


def live_secret_names(items: Iterable[LiveSecret]) -> list[str]:
    """Live → view: names from a secrets listing."""
    return sorted(item.name for item in items)


def live_variable_values(items: Iterable[LiveVariable]) -> dict[str, str]:
    """Live → view: variables by name from a variables listing."""
    return {item.name: item.value for item in items}


def _restore_secrets(names: list[str]) -> Any:
    # GitHub never shows a secret's value: an imported secret is set on GitHub already, so repoconf
    # must not hold (and overwrite) it.
    return {name: {"external": True} for name in names} if names else OMIT


def _restore_variables(values: dict[str, str]) -> Any:
    return dict(sorted(values.items())) if values else OMIT


def secrets_row(key: str, declared: Any, read: Any) -> Row[Any, Any]:
    """The ``secrets`` row of a scope (the repository's or an environment's)."""
    return Row(
        key,
        declared,
        read,
        field=key,
        restore=_restore_secrets,
        compare=Compare.NAMES,
        same=same_folded,
    )


def variables_row(key: str, declared: Any, read: Any) -> Row[Any, Any]:
    """The ``variables`` row of a scope."""
    return Row(key, declared, read, field=key, restore=_restore_variables, compare=Compare.NAMED_VALUES)


TABLE: tuple[Row[RepositorySettings, LiveActions], ...] = (
    secrets_row("secrets", lambda settings: secret_names_view(settings.secrets), lambda live: live.secrets),
    variables_row("variables", lambda settings: dict(settings.variables), lambda live: dict(live.variables)),
)
"""Repository-scope secrets and variables (child resources of the repository, one per name)."""

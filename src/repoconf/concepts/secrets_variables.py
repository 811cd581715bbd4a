"""Actions secrets and variables, at repository and environment scope.

Policy side: ``secrets`` (NAME → source) and ``variables`` (NAME → value) of a repository or an
environment. Live side: the ``secrets`` and ``variables`` arrays of GitHub's listings
(../shared/github-api/GET_repos_OWNER_REPO_actions_secrets.json, ..._variables.json and the environment
ones). Secret values can never be read back: secrets compare by name only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from repoconf.concepts.live import LiveModel


class LiveSecret(LiveModel):
    """An item of a secrets listing (its value is never readable)."""

    name: str


class LiveVariable(LiveModel):
    """An item of a variables listing."""

    name: str
    value: str


def secret_names(secrets: Mapping[str, Any]) -> set[str]:
    """Policy → view: the names of declared secrets (their sources are not comparable)."""
    return set(secrets)


def live_secret_names(items: Iterable[LiveSecret]) -> set[str]:
    """Live → view: names from a secrets listing."""
    return {item.name for item in items}


def variable_values(variables: Mapping[str, str]) -> dict[str, str]:
    """Policy → view: variables by name."""
    return dict(variables)


def live_variable_values(items: Iterable[LiveVariable]) -> dict[str, str]:
    """Live → view: variables by name from a variables listing."""
    return {item.name: item.value for item in items}

"""Logins and team slugs (reviewers, release-tag creators) as GitHub ids, each distinct name once per run.

Environments take numeric reviewer ids. Resolving names up front, before any repository is declared,
turns an unknown login into one located error instead of a provider stack trace halfway through a
deployment, and caches each name however many repositories and environments use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pulumi
import pulumi_github as github

from repoconf.policy.diagnostics import Diagnostic, Problem
from repoconf.policy.loader import LoadedPolicy
from repoconf.policy.model import RepositorySettings
from repoconf.policy.source import Path
from repoconf.program.errors import ProgramError


@dataclass
class ReviewerIds:
    """Ids already resolved, by login and slug; outlives one provider when a render runs in slices."""

    users: dict[str, int] = field(default_factory=dict)
    teams: dict[str, int] = field(default_factory=dict)


@dataclass
class Directory:
    """Users and teams by name, resolved through the provider's look-ups."""

    provider: pulumi.ProviderResource
    ids: ReviewerIds = field(default_factory=ReviewerIds)

    def _user(self, login: str) -> int:
        if login not in self.ids.users:
            result = github.get_user(username=login, opts=pulumi.InvokeOptions(provider=self.provider))
            self.ids.users[login] = int(result.id)
        return self.ids.users[login]

    def _team(self, slug: str) -> int:
        if slug not in self.ids.teams:
            result = github.get_team(
                slug=slug, summary_only=True, opts=pulumi.InvokeOptions(provider=self.provider)
            )
            self.ids.teams[slug] = int(result.id)
        return self.ids.teams[slug]

    def resolve_all(self, loaded: LoadedPolicy) -> None:
        """Resolve every user and team the policy names (environment reviewers, release-tag creators);
        raise :class:`ProgramError` naming each unknown one where it is written.
        """
        failures: list[Diagnostic] = []
        failed: set[tuple[str, str]] = set()
        for repository, settings in loaded.policy.repositories.items():
            for path, kind, name, topic in _named(settings):
                if (kind, name) in failed:
                    continue
                try:
                    (self._user if kind == "users" else self._team)(name)
                except Exception as error:  # noqa: BLE001 - the provider raises plain Exception
                    failed.add((kind, name))
                    what = "user" if kind == "users" else f"team in {loaded.policy.owner!r}"
                    problem = Problem(path, f"unknown {what} {name!r} (GitHub said: {_first_line(error)})")
                    failures.append(loaded.diagnose(repository, problem, topic))
        if failures:
            raise ProgramError(failures)

    def resolve(self, kind: str, name: str) -> int:
        """The id of a user (``kind`` ``"users"``) or team (``"teams"``) resolved by :meth:`resolve_all`."""
        return (self.ids.users if kind == "users" else self.ids.teams)[name]


def _named(settings: RepositorySettings) -> Iterator[tuple[Path, str, str, str]]:
    """Every user and team a repository's settings name: (policy path, kind, name, topic)."""
    for env_name, env in settings.environments.items():
        if env.reviewers is None:
            continue
        for kind, names in (("users", env.reviewers.users), ("teams", env.reviewers.teams)):
            for index, name in enumerate(names):
                yield ("environments", env_name, "reviewers", kind, index), kind, name, "reviewers"
    creators = settings.release_tags.created_by if settings.release_tags else None
    for index, slug in enumerate(creators.teams if creators else ()):
        yield ("release_tags", "created_by", "teams", index), "teams", slug, "release_tags"
    for slug in settings.access.teams if settings.access else ():
        yield ("access", "teams", slug), "teams", slug, "access"


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__

"""Reviewer logins and team slugs resolved to GitHub ids, each distinct name once per run.

Environments take numeric reviewer ids. Resolving names up front, before any repository is declared,
turns an unknown login into one located error instead of a provider stack trace halfway through a
deployment, and caches each name however many repositories and environments use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_github as github

from repoconf.policy.diagnostics import Diagnostic, Problem
from repoconf.policy.loader import LoadedPolicy
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
        """Resolve every reviewer of the policy; raise :class:`ProgramError` naming each unknown one."""
        failures: list[Diagnostic] = []
        failed: set[tuple[str, str]] = set()
        for repository, settings in loaded.policy.repositories.items():
            for env_name, env in settings.environments.items():
                if env.reviewers is None:
                    continue
                for kind, names, resolve in (
                    ("users", env.reviewers.users, self._user),
                    ("teams", env.reviewers.teams, self._team),
                ):
                    for index, name in enumerate(names):
                        if (kind, name) in failed:
                            continue
                        try:
                            resolve(name)
                        except Exception as error:  # noqa: BLE001 - the provider raises plain Exception
                            failed.add((kind, name))
                            path = ("environments", env_name, "reviewers", kind, index)
                            what = "user" if kind == "users" else f"team in {loaded.policy.owner!r}"
                            problem = Problem(
                                path, f"unknown {what} {name!r} (GitHub said: {_first_line(error)})"
                            )
                            failures.append(loaded.diagnose(repository, problem, "reviewers"))
        if failures:
            raise ProgramError(failures)

    def reviewer_ids(self, users: tuple[str, ...], teams: tuple[str, ...]) -> tuple[list[int], list[int]]:
        """Ids of already resolved reviewers."""
        return [self.ids.users[u] for u in users], [self.ids.teams[t] for t in teams]


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__

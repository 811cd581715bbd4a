"""What several commands share: the repository filter, OWNER/REPO names and GitHub access options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from repoconf.errors import UsageError
from repoconf.policy.identifiers import login_problem, repository_problem
from repoconf.policy.loader import LoadedPolicy
from repoconf.text import printable

if TYPE_CHECKING:  # the HTTP client is imported only by the commands that talk to GitHub
    from repoconf.github.client import GitHub


def split_full_name(text: str, option: str) -> tuple[str, str]:
    """``OWNER/REPO`` → (owner, repository), checked as GitHub checks each; else a usage error."""
    owner, slash, name = text.partition("/")
    problem = login_problem(owner) if slash else "expected OWNER/REPO"
    problem = problem or repository_problem(name)
    if problem is not None:
        raise UsageError(f"{option}: {printable(text)!r} is not OWNER/REPO: {problem}")
    return owner, name


def selected_repositories(loaded: LoadedPolicy, names: list[str] | None) -> list[str] | None:
    """The ``--repo`` names, checked against the policy; None when no filter was given."""
    if not names:
        return None
    unknown = sorted(set(names) - set(loaded.policy.repositories))
    if unknown:
        known = ", ".join(sorted(loaded.policy.repositories))
        raise UsageError(f"--repo: {', '.join(unknown)} not in the policy (it has: {known})")
    return names


def one_repository(loaded: LoadedPolicy, name: str | None) -> str:
    """The ``--repo`` a single-repository command works on (optional when the policy has one)."""
    repositories = loaded.policy.repositories
    if name is None:
        if len(repositories) != 1:
            raise UsageError(
                f"--repo: the policy has {len(repositories)} repositories: {', '.join(repositories)}"
            )
        return next(iter(repositories))
    if name not in repositories:
        raise UsageError(f"--repo: {name} not in the policy (it has: {', '.join(repositories)})")
    return name


@dataclass(frozen=True)
class GitHubAccess:
    """``--api-url``, ``--timeout``, ``--retries``, ``--max-wait`` and ``--deadline``; the token comes
    from the environment.
    """

    api_url: str | None = None
    timeout: float = 10.0
    retries: int = 5
    max_wait: float = 900.0
    deadline: float | None = None
    cache_dir: Path | None = None
    """Where conditional requests' answers are kept (default ``$XDG_CACHE_HOME/repoconf/http``)."""
    use_cache: bool = True
    max_requests: int | None = None

    def open(self, pool_size: int = 8, configured_url: str | None = None) -> GitHub:
        """A client from the options, the token from ``GITHUB_TOKEN``/``GH_TOKEN``; bad options, URL or
        token are usage errors (exit 2) before any request. ``configured_url`` is the policy's
        ``github.api_url``, used when neither ``--api-url`` nor ``GITHUB_API_URL`` names a host.
        """
        if self.timeout <= 0 or self.retries < 1 or self.max_wait < 0:
            raise UsageError("--timeout must be positive, --retries at least 1, --max-wait not negative")
        if self.deadline is not None and self.deadline <= 0:
            raise UsageError("--deadline must be positive")
        if self.max_requests is not None and self.max_requests < 1:
            raise UsageError("--max-requests must be at least 1")
        from repoconf.github.cache import HttpCache, default_directory, token_identity
        from repoconf.github.client import GitHub, RetryPolicy, resolve_api_url, resolve_token

        token = resolve_token()
        cache = None
        if self.use_cache:
            directory = self.cache_dir or default_directory()
            try:
                cache = HttpCache(directory, token_identity(token))
            except OSError as error:
                raise UsageError(
                    f"--cache-dir: cannot use {directory}: {error.strerror or error} (or pass --no-cache)"
                ) from None
        return GitHub(
            resolve_api_url(self.api_url, configured=configured_url),
            token,
            timeout=self.timeout,
            retry=RetryPolicy(attempts=self.retries, max_wait=self.max_wait),
            pool_size=pool_size,
            run_deadline=self.deadline,
            cache=cache,
            max_requests=self.max_requests,
        )

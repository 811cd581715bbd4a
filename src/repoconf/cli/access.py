"""What several commands share: the repository filter, OWNER/REPO names and GitHub access options."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from repoconf.errors import UsageError
from repoconf.files import NotText, Unreadable, decode_utf8, read_file
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


def policy_spelling(loaded: LoadedPolicy, name: str) -> str | None:
    """The policy's spelling of a repository name (GitHub compares them case-insensitively), or None."""
    return next((known for known in loaded.policy.repositories if known.casefold() == name.casefold()), None)


def selected_repositories(loaded: LoadedPolicy, names: list[str] | None) -> list[str] | None:
    """The ``--repo`` names as the policy spells them; None when no filter was given."""
    if not names:
        return None
    spelled = [(name, policy_spelling(loaded, name)) for name in names]
    unknown = sorted(name for name, known in spelled if known is None)
    if unknown:
        known = ", ".join(sorted(loaded.policy.repositories))
        raise UsageError(f"--repo: {', '.join(unknown)} not in the policy (it has: {known})")
    return [known for _, known in spelled if known is not None]


def one_repository(loaded: LoadedPolicy, name: str | None) -> str:
    """The ``--repo`` a single-repository command works on (optional when the policy has one)."""
    repositories = loaded.policy.repositories
    if name is None:
        if len(repositories) != 1:
            raise UsageError(
                f"--repo: the policy has {len(repositories)} repositories: {', '.join(repositories)}"
            )
        return next(iter(repositories))
    spelled = policy_spelling(loaded, name)
    if spelled is None:
        raise UsageError(f"--repo: {name} not in the policy (it has: {', '.join(repositories)})")
    return spelled


# The ranges every numeric option of GitHub access must fall in (cli/main.py checks them while parsing, so
# a bad value is a usage error before any request; GitHubAccess.open checks them again for callers that
# build the options themselves). A float must also be finite: nan compares false with every bound.
TIMEOUT_RANGE = (0.001, 3600.0)
RETRIES_RANGE = (1, 100)
MAX_WAIT_RANGE = (0.0, 86_400.0)
DEADLINE_RANGE = (0.001, 7 * 86_400.0)
MAX_REQUESTS_RANGE = (1, 10**9)
CONCURRENCY_RANGE = (1, 64)
"""Threads and connections: GitHub asks for no more than a few concurrent requests anyway."""


def in_range(value: float, bounds: tuple[float, float]) -> bool:
    """Whether ``value`` is finite and within ``bounds`` (both included)."""
    return math.isfinite(value) and bounds[0] <= value <= bounds[1]


def _warn(message: str) -> None:
    print(printable(message), file=sys.stderr)


def read_text_file(path: Path, option: str | None, limit: int) -> str:
    """A text file named on the command line (``option``, None for one read by its name): at most
    ``limit`` bytes (``/dev/zero`` is not read whole, a FIFO never waited on for long), UTF-8; otherwise a
    usage error naming the option and file and, for text that is not UTF-8, the line and column of the
    first bad byte.
    """
    shown = printable(str(path) if option is None else f"{option} {path}")
    try:
        return decode_utf8(read_file(path, limit))
    except Unreadable as error:
        raise UsageError(f"{shown}: cannot read it: {error.reason}") from None
    except NotText as error:
        raise UsageError(
            f"{shown}:{error.line}:{error.column}: not UTF-8 text (byte 0x{error.byte:02x}): save it as UTF-8"
        ) from None


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
        checks = [
            ("--timeout", self.timeout, TIMEOUT_RANGE),
            ("--retries", self.retries, RETRIES_RANGE),
            ("--max-wait", self.max_wait, MAX_WAIT_RANGE),
            ("--deadline", self.deadline, DEADLINE_RANGE),
            ("--max-requests", self.max_requests, MAX_REQUESTS_RANGE),
            ("pool size", pool_size, CONCURRENCY_RANGE),
        ]
        for option, value, bounds in checks:
            if value is not None and not in_range(value, bounds):
                raise UsageError(f"{option} {value}: expected a number from {bounds[0]:g} to {bounds[1]:g}")
        from repoconf.github.cache import HttpCache, default_directory
        from repoconf.github.client import GitHub, RetryPolicy, resolve_api_url, resolve_token

        token = resolve_token()
        api_url = resolve_api_url(self.api_url, configured=configured_url)
        cache = None
        if self.use_cache:
            directory = self.cache_dir if self.cache_dir is not None else default_directory()
            if directory is None:
                _warn(
                    "repoconf: warning: no home directory and no XDG_CACHE_HOME: the HTTP cache is off "
                    "(name one with --cache-dir)"
                )
            else:
                cache = HttpCache.open(directory, token, explicit=self.cache_dir is not None, warn=_warn)
        return GitHub(
            api_url,
            token,
            timeout=self.timeout,
            retry=RetryPolicy(attempts=self.retries, max_wait=self.max_wait),
            pool_size=pool_size,
            run_deadline=self.deadline,
            cache=cache,
            max_requests=self.max_requests,
        )

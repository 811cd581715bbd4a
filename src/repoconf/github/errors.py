"""Errors of GitHub transport (importing this module does not import the HTTP client)."""

from __future__ import annotations

from repoconf.errors import ExitCode, RepoconfError


class GitHubError(RepoconfError):
    """GitHub unreachable, unauthorised, or rate-limited past the retries (exit code 3)."""

    exit_code = ExitCode.GITHUB


class NotFound(GitHubError):
    """A 404: the repository (or the thing asked for) does not exist or is not visible."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: not found (or not visible to this token)")
        self.path = path

"""Errors of the GitHub reader (importing this module does not import the HTTP client)."""

from __future__ import annotations


class GitHubError(Exception):
    """GitHub unreachable, unauthorised or rate-limited past the retries (exit code 3)."""


class NotFound(Exception):
    """A 404: the repository (or the thing asked for) does not exist or is not visible."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path

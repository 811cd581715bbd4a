"""Errors of GitHub transport (importing this module does not import the HTTP client).

Every one is a :class:`GitHubError` (exit 3) with a one-line message that names the request and says
what to do. ``aborts_run`` tells the audit whether the error is about one repository (report it and go
on with the others) or about the whole run (a bad token, the waiting budget spent, the run's deadline).
"""

from __future__ import annotations

from repoconf.errors import ExitCode, RepoconfError


class GitHubError(RepoconfError):
    """GitHub unreachable, unauthorised, or rate-limited past the retries (exit code 3)."""

    exit_code = ExitCode.GITHUB
    aborts_run = False


class HTTPStatusError(GitHubError):
    """GitHub answered a request with an error status; ``message`` is GitHub's own ``message``."""

    def __init__(self, method: str, path: str, status: int, message: str, hint: str = "") -> None:
        said = f" ({message})" if message else ""
        super().__init__(f"{method} {path}: HTTP {status}{said}" + (f": {hint}" if hint else ""))
        self.method = method
        self.path = path
        self.status = status
        self.message = message


class NotFound(HTTPStatusError):
    """A 404: the thing asked for does not exist, or this token cannot see it.

    GitHub answers 404 for several reasons on one endpoint (``Branch not protected``, ``Branch not
    found``, a private repository the token cannot see): ``message`` tells them apart.
    """

    def __init__(self, method: str, path: str, message: str) -> None:
        super().__init__(method, path, 404, message)


class Forbidden(HTTPStatusError):
    """A 403 that is not a rate limit: a permission the token lacks, or a plan limit."""


class Unauthorized(GitHubError):
    """401: the token is missing, expired or wrong; every further request would fail the same way."""

    aborts_run = True


class Unreachable(GitHubError):
    """No answer from GitHub after every retry (connection failures, timeouts): the run stops, since
    every further request would wait out the same retries.
    """

    aborts_run = True


class RateLimited(GitHubError):
    """Rate-limited longer than the run may wait (its waiting budget): try again after ``reset``."""

    aborts_run = True


class RequestBudgetSpent(GitHubError):
    """The run sent as many requests as it may (``--max-requests``), or GitHub's remaining rate limit would
    run out before the next repository: the run stops cleanly, naming what it did not read.
    """

    aborts_run = True


class DeadlineExceeded(GitHubError):
    """The run's own deadline passed: nothing more is asked of GitHub."""

    aborts_run = True


class UnusableResponse(GitHubError):
    """GitHub answered 2xx with a body repoconf cannot use (not JSON, an HTML page, a missing field)."""


class AmbiguousWrite(GitHubError):
    """A write failed in a way that leaves unknown whether GitHub applied it (a timeout, a dropped
    connection, a 5xx): it is never retried blindly; the caller re-reads first.
    """

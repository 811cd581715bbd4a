"""A GitHub REST client: httpx with GitHub's pagination, rate limits and retries.

httpx gives connection pooling, a timeout on every request and transport-level retries of failed
connections. It has no notion of GitHub's rate limits, so this module adds the retry policy GitHub
documents: ``Retry-After`` (secondary limits, 403 or 429), ``x-ratelimit-remaining: 0`` with
``x-ratelimit-reset`` (primary limit), exponential backoff for 5xx, timeouts and dropped connections.
The token is only ever placed in the ``Authorization`` header: it is never part of a message.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from repoconf.github.errors import GitHubError, NotFound

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
PAGE_SIZE = 100
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before giving up on one request."""

    attempts: int = 5
    backoff: float = 1.0
    max_backoff: float = 30.0
    max_wait: float = 300.0
    """The longest rate-limit wait honoured; beyond it the audit gives up rather than hang."""

    def backoff_for(self, attempt: int) -> float:
        """Exponential backoff for transient failures: 1, 2, 4... seconds, capped."""
        return float(min(self.max_backoff, self.backoff * 2**attempt))


def rate_limit_wait(response: httpx.Response, now: float) -> float | None:
    """Seconds GitHub asks us to wait, or None when the response is not a rate limit."""
    if response.status_code not in (403, 429):
        return None
    retry_after = response.headers.get("retry-after")
    if retry_after is not None:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            return None
    if response.headers.get("x-ratelimit-remaining") == "0":
        try:
            return max(0.0, float(response.headers["x-ratelimit-reset"]) - now)
        except (KeyError, ValueError):
            return None
    if response.status_code == 429:
        return 60.0  # GitHub: without headers, wait at least a minute
    return None


def resolve_token(environ: Mapping[str, str] | None = None) -> str | None:
    """``GITHUB_TOKEN``, else ``GH_TOKEN``."""
    environ = os.environ if environ is None else environ
    return environ.get("GITHUB_TOKEN") or environ.get("GH_TOKEN") or None


def resolve_api_url(flag: str | None, environ: Mapping[str, str] | None = None) -> str:
    """``--api-url``, else ``GITHUB_API_URL``, else the public API (GHES: ``https://HOST/api/v3``)."""
    environ = os.environ if environ is None else environ
    return (flag or environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")


@dataclass
class GitHub:
    """REST calls, counted; safe to share between threads. The audit only reads; the drift job also
    writes one issue (:meth:`send`).
    """

    api_url: str
    token: str | None
    timeout: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    pool_size: int = 8
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _client: httpx.Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "repoconf",
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        limits = httpx.Limits(max_connections=self.pool_size, max_keepalive_connections=self.pool_size)
        self._client = httpx.Client(
            base_url=self.api_url,
            headers=headers,
            timeout=httpx.Timeout(self.timeout),
            limits=limits,
            transport=httpx.HTTPTransport(retries=1, limits=limits),
            follow_redirects=True,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> GitHub:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _count(self) -> None:
        with self._lock:
            self.requests += 1

    def _send(
        self,
        url: str,
        params: Mapping[str, str | int] | None,
        method: str = "GET",
        body: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        """One request with retries; returns a 2xx or 404 response, raises GitHubError otherwise."""
        last = "no attempt made"
        for attempt in range(self.retry.attempts):
            self._count()
            try:
                response = self._client.request(method, url, params=params, json=body)
            except httpx.TimeoutException:
                last = f"timed out after {self.timeout:g} s"
                self.sleep(self.retry.backoff_for(attempt))
                continue
            except httpx.TransportError as error:
                last = f"connection failed ({type(error).__name__})"
                self.sleep(self.retry.backoff_for(attempt))
                continue
            if response.is_success or response.status_code == 404:
                return response
            if response.status_code == 401:
                raise GitHubError(
                    "GitHub refused the token (401 Bad credentials): set GITHUB_TOKEN or GH_TOKEN "
                    "to a valid token"
                )
            wait = rate_limit_wait(response, time.time())
            if wait is not None:
                if wait > self.retry.max_wait:
                    raise GitHubError(
                        f"rate-limited by GitHub for {wait:.0f} s more (over the {self.retry.max_wait:.0f} s "
                        "the audit waits): try later or use a GitHub App token"
                    )
                last = f"rate-limited ({response.status_code})"
                self.sleep(wait)
                continue
            if response.status_code in TRANSIENT_STATUSES:
                last = f"HTTP {response.status_code}"
                self.sleep(self.retry.backoff_for(attempt))
                continue
            raise GitHubError(
                f"GET {response.request.url.path} failed: HTTP {response.status_code} {_message(response)}"
            )
        raise GitHubError(f"GET {url} failed after {self.retry.attempts} attempts: {last}")

    def get(self, path: str) -> Any:
        """GET one JSON document; :class:`NotFound` on 404."""
        response = self._send(path, None)
        if response.status_code == 404:
            raise NotFound(path)
        return response.json()

    def send(self, method: str, path: str, body: Mapping[str, Any]) -> Any:
        """A write (``POST``/``PATCH``) with a JSON body; :class:`NotFound` on 404."""
        response = self._send(path, None, method, body)
        if response.status_code == 404:
            raise NotFound(path)
        return response.json()

    def paginate(self, path: str, key: str | None = None) -> Iterator[Any]:
        """Every item of a listing, following ``Link: rel="next"``; ``key`` names the array in an object."""
        url: str = path
        params: Mapping[str, str | int] | None = {"per_page": PAGE_SIZE}
        while True:
            response = self._send(url, params)
            if response.status_code == 404:
                raise NotFound(path)
            body = response.json()
            yield from body[key] if key is not None else body
            following = response.links.get("next", {}).get("url")
            if not following:
                return
            url, params = following, None


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    message = body.get("message") if isinstance(body, dict) else None
    return f"({message})" if message else ""

"""An on-disk cache of GitHub answers for conditional requests (``ETag`` / ``Last-Modified``).

GitHub does not count a conditional request answered ``304 Not Modified`` against the primary rate limit
(REST docs, "Best practices for using the REST API": "Make conditional requests"). A repeat audit of
unchanged repositories thus costs almost nothing: every GET carries ``If-None-Match`` (or
``If-Modified-Since``) and a 304 is served from here.

Why not hishel: it caches by RFC 9111 freshness (GitHub's ``Cache-Control: private, max-age=60`` would be
served without asking, so an audit could miss a change made a minute ago) and it stores each request with
its headers, ``Authorization`` included: the token would sit on disk. This cache always revalidates and
stores only what it needs.

- One file per URL and token identity: the name is a SHA-256 of both, the identity itself a SHA-256 of
  the token (never the token); another token never sees an entry it did not fetch.
- Files 0600 in a 0700 directory; written to a temporary file and renamed, so concurrent runs never see
  a partial entry.
- An entry that is corrupt, truncated, of another URL or identity, or of another format is ignored and
  replaced: it can change nothing but speed.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

FORMAT = 1
KEPT_HEADERS = ("content-type", "etag", "last-modified", "link")


def default_directory(environ: dict[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/repoconf/http``, else ``~/.cache/repoconf/http``."""
    environ = dict(os.environ) if environ is None else environ
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "repoconf" / "http"


def token_identity(token: str | None) -> str:
    """A stable, one-way name for the token: entries of one token are never served to another."""
    return hashlib.sha256(b"repoconf-cache\n" + (token or "").encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    """A cached 200 answer: the validators to revalidate with and the body to serve on a 304."""

    url: str
    headers: dict[str, str]
    content: bytes

    @property
    def validators(self) -> dict[str, str]:
        """The conditional request headers for this entry."""
        found: dict[str, str] = {}
        if "etag" in self.headers:
            found["If-None-Match"] = self.headers["etag"]
        if "last-modified" in self.headers:
            found["If-Modified-Since"] = self.headers["last-modified"]
        return found


class HttpCache:
    """Entries on disk for one token identity; every method is safe to call from several threads."""

    def __init__(self, directory: Path, identity: str) -> None:
        self.directory = directory
        self.identity = identity
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        directory.chmod(0o700)

    def _path(self, url: str) -> Path:
        digest = hashlib.sha256(f"{self.identity}\n{url}".encode()).hexdigest()
        return self.directory / f"{digest}.json"

    def lookup(self, url: str) -> Entry | None:
        """The entry for ``url``, or None (absent, unreadable, or not this URL's and identity's)."""
        path = self._path(url)
        try:
            raw = json.loads(path.read_bytes())
            if raw["format"] != FORMAT or raw["url"] != url or raw["identity"] != self.identity:
                raise ValueError("another entry")
            headers = {str(k): str(v) for k, v in raw["headers"].items() if k in KEPT_HEADERS}
            content = base64.b64decode(raw["content"], validate=True)
            if hashlib.sha256(content).hexdigest() != raw["sha256"]:
                raise ValueError("truncated or altered")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError, binascii.Error):
            with contextlib.suppress(OSError):
                path.unlink()  # replaced by the next answer
            return None
        if "etag" not in headers and "last-modified" not in headers:
            return None
        return Entry(url, headers, content)

    def store(self, url: str, headers: dict[str, str], content: bytes) -> None:
        """Keep a 200 answer that carries a validator; atomic, file mode 0600."""
        kept = {name: headers[name] for name in KEPT_HEADERS if name in headers}
        if "etag" not in kept and "last-modified" not in kept:
            return
        document = {
            "format": FORMAT,
            "url": url,
            "identity": self.identity,
            "headers": kept,
            "sha256": hashlib.sha256(content).hexdigest(),
            "content": base64.b64encode(content).decode(),
        }
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".entry-")  # created 0600
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(document, file)
            os.replace(temporary, self._path(url))
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)

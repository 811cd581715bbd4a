"""An on-disk cache of GitHub answers for conditional requests (``ETag`` / ``Last-Modified``).

GitHub does not count a conditional request answered ``304 Not Modified`` against the primary rate limit
(REST docs, "Best practices for using the REST API": "Make conditional requests"). A repeat audit of
unchanged repositories thus costs almost nothing: every GET carries ``If-None-Match`` (or
``If-Modified-Since``) and a 304 is served from here.

Why not hishel: it caches by RFC 9111 freshness (GitHub's ``Cache-Control: private, max-age=60`` would be
served without asking, so an audit could miss a change made a minute ago) and it stores each request with
its headers, ``Authorization`` included: the token would sit on disk. This cache always revalidates and
stores only what it needs.

Who can write the directory is not who the audit trusts, so nothing read from it is believed unless the
token wrote it:

- Every entry carries an HMAC-SHA256 of its whole content under a key derived from the token (never the
  token itself, never stored). An entry nobody holding the token wrote — planted, altered, or written for
  another token — fails the MAC and is ignored: the request goes to GitHub without validators. (Before,
  an entry was checked only against a SHA-256 anyone can compute: a forged body answered by GitHub's 304
  made a drifted repository read as compliant.) File names are MACs of the URL too, so the directory does
  not say which URLs were read. Without a token there is no key: the cache is off.
- The cache owns only what it creates. A directory it creates is 0700 and gets a marker file
  (:data:`MARKER`); one that already exists (named with ``--cache-dir``, or the default one, which may be
  a link somewhere else) must belong to the user and be empty, marked, or hold only what an older
  repoconf wrote, and is used as it is, its mode never changed (``--cache-dir /tmp`` is refused, not
  chmod-ed).
- Entries are read only as regular files (``O_NOFOLLOW``, non-blocking: a FIFO or a symbolic link in place
  of an entry is ignored, never waited on) and only up to :data:`MAX_ENTRY_BYTES`.
- Entries are written 0600 to a temporary file and renamed, so concurrent runs never see a partial entry.
  A write that fails (a full disk, a read-only directory) turns the cache off for the rest of the run,
  with one warning: caching only ever changes speed.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import hashlib
import hmac
import json
import os
import re
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from repoconf.errors import UsageError
from repoconf.files import Unreadable, read_file
from repoconf.github.bounds import MAX_BODY_BYTES
from repoconf.text import printable

FORMAT = 2
KEPT_HEADERS = ("content-type", "etag", "last-modified", "link")
MARKER = ".repoconf-cache"
MARKER_TEXT = b"repoconf HTTP cache (conditional requests' answers, authenticated); safe to delete\n"
SUFFIX = ".entry"
BLOB_SUFFIX = ".blob"
BLOB_ID = re.compile(r"[0-9a-f]{40}")
MAX_BLOB_BYTES = 1 << 20
"""Blobs kept are workflow files, which GitHub's contents API serves up to 1 MB."""
MAX_ENTRY_BYTES = MAX_BODY_BYTES * 4 // 3 + (1 << 20)
"""An entry holds one bounded answer in base64, with its headers."""
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})

Warn = Callable[[str], None]


def default_directory(environ: dict[str, str] | None = None) -> Path | None:
    """``$XDG_CACHE_HOME/repoconf/http``, else ``~/.cache/repoconf/http``; None when neither names a
    place (no absolute ``XDG_CACHE_HOME``, which the XDG spec requires, and no home directory).
    """
    environ = dict(os.environ) if environ is None else environ
    configured = environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(configured):
        return Path(configured) / "repoconf" / "http"
    try:
        return Path.home() / ".cache" / "repoconf" / "http"
    except RuntimeError:  # no HOME, and a user the password database does not know (a bare container)
        return None


def cache_key(token: str) -> bytes:
    """The key entries are authenticated with: one-way from the token, never the token."""
    return hmac.new(token.encode(), b"repoconf http cache, format 2", hashlib.sha256).digest()


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


OLDER_ENTRY = re.compile(r"[0-9a-f]{64}\.json|\.entry-.*|\.marker-.*")
"""What repoconf before the marker (format 1) wrote in its cache directory, and the temporary file of a
marker another run is writing at this moment."""


def _is_ours(directory: Path) -> bool:
    """Whether ``directory`` is repoconf's cache: it holds the marker, or only what an older repoconf
    wrote there (format 1 had no marker).
    """
    try:
        marker = read_file(directory / MARKER, len(MARKER_TEXT), regular_only=True, follow_symlinks=False)
        return marker == MARKER_TEXT
    except Unreadable:
        pass
    with os.scandir(directory) as entries:
        return all(OLDER_ENTRY.fullmatch(entry.name) for entry in entries)


def _refuse(label: str, directory: Path, why: str) -> UsageError:
    return UsageError(f"{label} {printable(str(directory))}: {why} (or pass --no-cache)")


class HttpCache:
    """Entries on disk authenticated with one token's key; every method is safe to call from threads.

    Use :meth:`open`, which applies the ownership rules above; the constructor takes a directory already
    checked.
    """

    def __init__(self, directory: Path, key: bytes, warn: Warn | None = None) -> None:
        self.directory = directory
        self._key = key
        self._warn = warn
        self._lock = threading.Lock()
        self.disabled: str | None = None
        """Why the cache was turned off during the run (a write failed), or None."""

    @classmethod
    def open(
        cls, directory: Path, token: str | None, *, explicit: bool, warn: Warn | None = None
    ) -> HttpCache | None:
        """The cache in ``directory`` for ``token``, or None when there is nothing to key it with (no
        token) or the disk is full. An existing directory must be repoconf's (empty, marked, or holding
        only an older repoconf's entries) and its user's; one that is not, or cannot be used, is a usage
        error (``explicit``: it was named with ``--cache-dir``, which the message says).
        """
        if token is None:
            return None
        label = "--cache-dir" if explicit else "the default cache directory"
        try:
            if not _make_directory(directory):
                if directory.stat().st_uid != os.geteuid():
                    raise _refuse(label, directory, "belongs to another user")
                if not _is_ours(directory):
                    raise _refuse(
                        label,
                        directory,
                        f"exists, is not empty and is not a repoconf cache (no {MARKER} in it): name a new "
                        "or empty directory",
                    )
            if not (directory / MARKER).is_file():
                _write_marker(directory)
        except OSError as error:
            if error.errno in DISK_FULL:
                if warn is not None:
                    warn(_disabled_warning(directory, error))
                return None
            raise _refuse(label, directory, f"cannot use it: {error.strerror or error}") from None
        return cls(directory, cache_key(token), warn)

    def _name(self, url: str) -> Path:
        digest = hmac.new(self._key, b"name\n" + url.encode(), hashlib.sha256).hexdigest()
        return self.directory / f"{digest}{SUFFIX}"

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, b"entry\n" + payload, hashlib.sha256).hexdigest().encode()

    def lookup(self, url: str) -> Entry | None:
        """The entry for ``url`` when this token's key wrote it, else None (absent, not a regular file,
        too large, forged, altered, truncated, another URL's).
        """
        if self.disabled is not None:
            return None
        try:
            raw = read_file(self._name(url), MAX_ENTRY_BYTES, regular_only=True, follow_symlinks=False)
        except Unreadable:
            return None
        mac, _, payload = raw.partition(b"\n")
        if not hmac.compare_digest(mac, self._mac(payload)):
            return None
        try:  # written by this token's holder: still checked, never trusted to be well-formed
            document = json.loads(payload)
            if document["format"] != FORMAT or document["url"] != url:
                return None
            headers = {k: v for k, v in document["headers"].items() if k in KEPT_HEADERS and _sendable(v)}
            content = base64.b64decode(document["content"], validate=True)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError, binascii.Error):
            return None
        if "etag" not in headers and "last-modified" not in headers:
            return None
        return Entry(url, headers, content)

    def store(self, url: str, headers: Mapping[str, str], content: bytes) -> None:
        """Keep a 200 answer that carries a validator; atomic, file mode 0600. A failed write turns the
        cache off for the rest of the run (one warning). ``headers``: the answer's (``httpx.Headers`` as
        they are: only :data:`KEPT_HEADERS` are looked up).
        """
        if self.disabled is not None:
            return
        kept = {name: headers[name] for name in KEPT_HEADERS if _sendable(headers.get(name))}
        if "etag" not in kept and "last-modified" not in kept:
            return
        document = {
            "format": FORMAT,
            "url": url,
            "headers": kept,
            "content": base64.b64encode(content).decode(),
        }
        payload = json.dumps(document).encode()
        temporary: str | None = None
        try:
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".entry-")
            try:
                os.fchmod(handle, 0o600)  # mkstemp's 0600 less the umask: ours to set exactly
                _write_all(handle, self._mac(payload) + b"\n" + payload)
            finally:
                os.close(handle)
            os.replace(temporary, self._name(url))
        except OSError as error:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            self._disable(error)

    def read_blob(self, blob_id: str) -> bytes | None:
        """A git blob kept under its id, or None. Unauthenticated on purpose: the reader checks the
        content against the id (:mod:`repoconf.live.blobs`), which no forger can match.
        """
        if self.disabled is not None or BLOB_ID.fullmatch(blob_id) is None:
            return None
        try:
            return read_file(
                self.directory / f"{blob_id}{BLOB_SUFFIX}",
                MAX_BLOB_BYTES,
                regular_only=True,
                follow_symlinks=False,
            )
        except Unreadable:
            return None

    def write_blob(self, blob_id: str, data: bytes) -> None:
        """Keep a git blob under its id; atomic, mode 0600; a failed write turns the cache off."""
        if self.disabled is not None or BLOB_ID.fullmatch(blob_id) is None or len(data) > MAX_BLOB_BYTES:
            return
        temporary: str | None = None
        try:
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".entry-")
            try:
                os.fchmod(handle, 0o600)
                _write_all(handle, data)
            finally:
                os.close(handle)
            os.replace(temporary, self.directory / f"{blob_id}{BLOB_SUFFIX}")
        except OSError as error:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            self._disable(error)

    def _disable(self, error: OSError) -> None:
        with self._lock:
            if self.disabled is not None:
                return
            self.disabled = error.strerror or type(error).__name__
        if self._warn is not None:
            self._warn(_disabled_warning(self.directory, error))


def _write_all(handle: int, data: bytes) -> None:
    """Write ``data`` whole to a descriptor: what ``os.fdopen(...).write`` does, without a buffered file
    object (and its ``fstat`` and ``lseek`` calls) per entry.
    """
    view = memoryview(data)
    while view:
        written = os.write(handle, view)
        if written <= 0:  # a regular file never does this; a loop that cannot end must not be possible
            raise OSError(errno.EIO, "a write made no progress")
        view = view[written:]


def _sendable(value: object) -> bool:
    """A header value that can go back to GitHub (a validator) and into httpx: printable ASCII only (a
    server may send any byte, which httpx refuses to send or to hold again).
    """
    return isinstance(value, str) and value.isascii() and value.isprintable()


def _disabled_warning(directory: Path, error: OSError) -> str:
    return printable(
        f"repoconf: warning: cannot write the HTTP cache in {directory} ({error.strerror or error}): "
        "caching is off for the rest of this run"
    )


def _make_directory(directory: Path) -> bool:
    """Create ``directory`` (0700, whatever the umask) and say whether this call created it."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    try:
        directory.mkdir(mode=0o700)
    except FileExistsError:
        if not directory.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(directory)) from None
        return False
    directory.chmod(0o700)  # created here: the umask may have taken bits from 0700
    return True


def _write_marker(directory: Path) -> None:
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".marker-")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "wb") as file:
            file.write(MARKER_TEXT)
        os.replace(temporary, directory / MARKER)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise

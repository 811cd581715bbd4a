"""Local files read within bounds: never more than a limit, never a hang, UTF-8 with a located error.

Every file repoconf reads from disk goes through here: the policy, `--audit-report`, `--body-file`,
`Pulumi.yaml`, a checkout's workflow files (``validate --repo-dir``) and the HTTP cache's entries.

- A file is opened non-blocking: opening a FIFO nobody writes to returns at once instead of waiting for
  a writer. ``regular_only`` refuses everything but a regular file (a managed repository's checkout, the
  cache); otherwise a FIFO or character device (``/dev/zero``, a ``<(process substitution)``) is read
  through :func:`select.poll` for at most :data:`STREAM_WAIT` seconds in all.
- ``follow_symlinks=False`` opens with ``O_NOFOLLOW``: a symbolic link in the last component is refused.
- At most ``limit`` bytes are read: a larger file (or an endless device) is refused after ``limit + 1``
  bytes, never read whole; a regular file's size is checked with ``fstat`` before reading at all.

This module imports nothing of repoconf: callers turn :class:`Unreadable` and :class:`NotText` into their
own errors (a located policy diagnostic, a usage error, an unverified check).
"""

from __future__ import annotations

import errno
import os
import select
import stat
import time
from pathlib import Path
from typing import BinaryIO

STREAM_WAIT = 10.0
"""Seconds a FIFO or device may take to deliver all its data (a writer that never finishes)."""
CHUNK = 65536


class Unreadable(Exception):
    """A file that cannot be used, with one line saying why (``not a regular file (a FIFO)``...);
    ``limit`` is set when the reason is that it is larger than that.
    """

    def __init__(self, reason: str, limit: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


class NotText(Exception):
    """Bytes that are not UTF-8: where the first bad byte is (1-based line and column) and what it is."""

    def __init__(self, line: int, column: int, byte: int) -> None:
        super().__init__(f"not UTF-8 text: byte 0x{byte:02x} at line {line}, column {column}")
        self.line = line
        self.column = column
        self.byte = byte


def size_text(size: int) -> str:
    """``1 MiB``, ``512 KiB``, ``200 bytes``: a limit as people read it."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size:,} bytes"


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
)


def kind(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words."""
    return next((name for test, name in _KINDS if test(mode)), "a regular file")


def too_large(limit: int) -> Unreadable:
    """The one wording of a file past its limit."""
    return Unreadable(f"larger than {size_text(limit)}", limit)


def read_file(
    path: str | Path,
    limit: int,
    *,
    regular_only: bool = False,
    follow_symlinks: bool = True,
    wait: float = STREAM_WAIT,
) -> bytes:
    """At most ``limit`` bytes of the file at ``path``; :class:`Unreadable` with the reason otherwise."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow_symlinks else os.O_NOFOLLOW)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_symlinks:
            raise Unreadable("a symbolic link") from None
        raise Unreadable(error.strerror or type(error).__name__) from None
    try:
        return read_descriptor(descriptor, limit, regular_only=regular_only, wait=wait)
    finally:
        os.close(descriptor)


def read_descriptor(
    descriptor: int, limit: int, *, regular_only: bool = False, wait: float = STREAM_WAIT
) -> bytes:
    """:func:`read_file` on an open descriptor (not closed here)."""
    try:
        status = os.fstat(descriptor)
    except OSError as error:
        raise Unreadable(error.strerror or type(error).__name__) from None
    regular = stat.S_ISREG(status.st_mode)
    streamable = stat.S_ISFIFO(status.st_mode) or stat.S_ISCHR(status.st_mode)
    if not regular and (regular_only or not streamable):
        raise Unreadable(f"not a regular file ({kind(status.st_mode)})")
    if regular and status.st_size > limit:
        raise too_large(limit)
    try:
        data = _read_regular(descriptor, limit) if regular else _read_stream(descriptor, limit, wait)
    except OSError as error:
        raise Unreadable(error.strerror or type(error).__name__) from None
    if len(data) > limit:  # grew while read, or an endless device
        raise too_large(limit)
    return data


def _read_regular(descriptor: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(descriptor, min(CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _read_stream(descriptor: int, limit: int, wait: float) -> bytes:
    """A FIFO or device, non-blocking: data as it comes, for at most ``wait`` seconds in all."""
    poller = select.poll()
    poller.register(descriptor, select.POLLIN)
    ends = time.monotonic() + wait
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        try:  # a FIFO without a writer reads as its end at once (where poll would report nothing)
            chunk = os.read(descriptor, min(CHUNK, limit + 1 - size))
        except BlockingIOError:
            remaining = ends - time.monotonic()
            if remaining <= 0 or not poller.poll(remaining * 1000):
                raise Unreadable(f"no end of its data within {wait:g} s") from None
            continue
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def read_stdin(stream: BinaryIO | None, limit: int) -> bytes:
    """At most ``limit`` (+1, to tell a larger input) bytes of standard input; :class:`Unreadable` when it
    is closed (a process started with ``<&-``) or cannot be read.
    """
    if stream is None or stream.closed:
        raise Unreadable("standard input is closed")
    try:
        return stream.read(limit + 1)
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise Unreadable(f"standard input cannot be read ({reason})") from None


def decode_utf8(data: bytes) -> str:
    """The text of ``data``; :class:`NotText` locating the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        raise NotText(line, column, data[error.start]) from None

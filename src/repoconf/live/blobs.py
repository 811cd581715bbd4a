"""Workflow files by git blob id: each distinct file fetched once per run, and never again after.

A git blob's id is the SHA-1 of its content (``blob <size>``, a zero byte, the bytes), so an id names
one content for ever, in every repository: the audit reads the default branch's tree (which lists each
file's id), and a workflow file whose id it has seen — in this run, in another repository, or in an
earlier run — costs no request. Entries kept on disk (beside the HTTP cache's) verify themselves: one
whose content does not hash to its name is ignored, whoever wrote it, so no key is needed.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Protocol


def git_blob_id(data: bytes) -> str:
    """Git's object id of a blob holding ``data``."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


class BlobShelf(Protocol):
    """Where blobs outlive a run (:class:`repoconf.github.cache.HttpCache`)."""

    def read_blob(self, blob_id: str) -> bytes | None:
        """The bytes kept under ``blob_id``, or None."""
        ...

    def write_blob(self, blob_id: str, data: bytes) -> None:
        """Keep ``data`` under ``blob_id``."""
        ...


class BlobStore:
    """Blobs by id for one run, backed by a shelf on disk when there is one; safe to share between
    threads.
    """

    def __init__(self, shelf: BlobShelf | None = None) -> None:
        self._shelf = shelf
        self._memory: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._fetching: dict[str, threading.Lock] = {}
        self.hits = 0
        """Files served without a request (seen in this run, or kept from an earlier one)."""

    def fetching(self, blob_id: str) -> threading.Lock:
        """The lock a reader holds while it fetches ``blob_id``, so that concurrent repositories holding
        the same file wait for one request instead of each sending their own.
        """
        with self._lock:
            return self._fetching.setdefault(blob_id, threading.Lock())

    def get(self, blob_id: str) -> bytes | None:
        """The blob's bytes if this run or an earlier one read it (verified against its id)."""
        with self._lock:
            found = self._memory.get(blob_id)
        if found is None and self._shelf is not None:
            kept = self._shelf.read_blob(blob_id)
            if kept is not None and git_blob_id(kept) == blob_id:
                found = kept
        if found is not None:
            with self._lock:
                self._memory[blob_id] = found
                self.hits += 1
        return found

    def put(self, blob_id: str, data: bytes) -> bool:
        """Keep ``data`` as blob ``blob_id``; False (nothing kept) when it is not that blob's content."""
        if git_blob_id(data) != blob_id:
            return False
        with self._lock:
            self._memory[blob_id] = data
        if self._shelf is not None:
            self._shelf.write_blob(blob_id, data)
        return True

"""A local checkout of a managed repository read as :class:`~repoconf.concepts.content.Content`, with no
network (``repoconf validate --repo-dir``): the same files and workflow texts the audit reads from GitHub,
within the same bounds.

The checkout is the managed repository's, written by whoever can push to it, so it is read as git and
GitHub would see it and nothing more:

- Files are what git can store: regular files and symbolic links (a link is a blob to git; it is never
  followed as a directory). A FIFO, socket or device is not a file of the repository. ``.git`` is skipped.
- At most :data:`MAX_ENTRIES` entries are listed, the most GitHub's tree listing holds ("Get a tree":
  100,000 entries); past them the content is incomplete and what is not found is unverified.
- A workflow file is read only if it is a regular file (a symbolic link is followed only to a file inside
  the checkout, as GitHub's contents API serves a link's target in the repository) of at most
  :data:`~repoconf.concepts.content.MAX_WORKFLOW_BYTES`, opened non-blocking: a FIFO in
  ``.github/workflows/`` is never waited on, ``/dev/zero`` behind a link never read. A file that cannot be
  used leaves the checks it might produce unverified, with the reason.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from repoconf.concepts.content import (
    MAX_WORKFLOW_BYTES,
    MAX_WORKFLOW_FILES,
    NOT_READ,
    TOO_LARGE,
    Content,
    Unusable,
    workflow_paths,
    workflow_text,
)
from repoconf.files import Unreadable, read_file

SKIPPED = {".git"}
"""Git's own directory is not part of the repository's tree."""
MAX_ENTRIES = 100_000
"""GitHub's recursive tree listing stops at 100,000 entries (REST docs, "Get a tree")."""


def read_checkout(root: Path) -> Content:
    """Files and directories below ``root`` (relative, ``/``-separated) and its workflow files' texts."""
    files: set[str] = set()
    directories: set[str] = set()
    incomplete: str | None = None
    pending: list[tuple[str, Path]] = [("", root)]
    while pending and incomplete is None:
        prefix, directory = pending.pop()
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    if len(files) + len(directories) >= MAX_ENTRIES:
                        incomplete = (
                            f"the checkout has more than {MAX_ENTRIES:,} entries, more than GitHub's tree "
                            "listing holds"
                        )
                        break
                    mode = entry.stat(follow_symlinks=False).st_mode
                    relative = prefix + entry.name
                    if stat.S_ISDIR(mode):
                        if entry.name not in SKIPPED:
                            directories.add(relative)
                            pending.append((relative + "/", Path(entry.path)))
                    elif stat.S_ISREG(mode) or stat.S_ISLNK(mode):
                        files.add(relative)
        except OSError as error:
            incomplete = f"{prefix or './'} cannot be listed ({error.strerror or error})"
    workflows: dict[str, str | Unusable] = {}
    for index, path in enumerate(workflow_paths(files)):
        workflows[path] = _workflow(root, path) if index < MAX_WORKFLOW_FILES else Unusable(NOT_READ)
    if incomplete is not None:
        return Content(frozenset(files), frozenset(directories), workflows, False, incomplete)
    return Content(frozenset(files), frozenset(directories), workflows)


def _workflow(root: Path, path: str) -> str | Unusable:
    """One workflow file's text, or why it cannot be used."""
    target = root / path
    if target.is_symlink():
        real_root = Path(os.path.realpath(root))
        try:
            resolved = Path(os.path.realpath(target, strict=True))
        except OSError as error:  # a loop, or a link to nothing
            return Unusable(f"a symbolic link that cannot be followed ({error.strerror or error})")
        inside = resolved.is_relative_to(real_root) and resolved != real_root
        if not inside or resolved.relative_to(real_root).parts[0] in SKIPPED:
            return Unusable("a symbolic link leaving the checkout")
        target = resolved
    try:
        data = read_file(target, MAX_WORKFLOW_BYTES, regular_only=True, follow_symlinks=False)
    except Unreadable as error:
        return TOO_LARGE if error.limit is not None else Unusable(f"cannot be read: {error.reason}")
    return workflow_text(data)

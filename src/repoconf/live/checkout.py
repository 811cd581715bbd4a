"""A local checkout of a managed repository read as :class:`~repoconf.concepts.content.Content`, with no
network (``repoconf validate --repo-dir``): the same files and workflow texts the audit reads from GitHub.
"""

from __future__ import annotations

import os
from pathlib import Path

from repoconf.concepts.content import Content, workflow_paths

SKIPPED = {".git"}
"""Git's own directory is not part of the repository's tree."""


def read_checkout(root: Path) -> Content:
    """Files and directories below ``root`` (relative, ``/``-separated) and its workflow files' texts.

    Symbolic links to directories are not followed (git stores the link, not what it points to). A
    workflow file that is not UTF-8 has no text: its checks are unverified.
    """
    files: set[str] = set()
    directories: set[str] = set()
    for current, subdirectories, names in os.walk(root):
        subdirectories[:] = [name for name in subdirectories if name not in SKIPPED]
        relative = Path(current).relative_to(root).as_posix()
        prefix = "" if relative == "." else relative + "/"
        directories.update(prefix + name for name in subdirectories)
        files.update(prefix + name for name in names)
    workflows: dict[str, str | None] = {}
    for path in workflow_paths(files):
        try:
            workflows[path] = (root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            workflows[path] = None
    return Content(frozenset(files), frozenset(directories), workflows)

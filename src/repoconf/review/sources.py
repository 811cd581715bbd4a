"""Where a side of `repoconf diff` comes from: a policy file, or ``git:REF:PATH`` read with ``git show``
(the base of a pull request, e.g. ``git:origin/main:config/policy.yaml``), without touching the work tree.
"""

from __future__ import annotations

import shutil
import subprocess

from repoconf.errors import UsageError
from repoconf.policy.loader import LoadedPolicy, load, load_bytes

GIT_PREFIX = "git:"
GIT_TIMEOUT = 30.0


def load_source(source: str) -> LoadedPolicy:
    """The policy at ``source``; a bad ``git:`` source is a usage error naming git's own reason."""
    if not source.startswith(GIT_PREFIX):
        return load(source)
    ref, separator, path = source[len(GIT_PREFIX) :].partition(":")
    if not separator or not ref or not path:
        raise UsageError(f"{source}: expected git:REF:PATH, e.g. git:origin/main:config/policy.yaml")
    if ref.startswith("-"):
        raise UsageError(f"{source}: a ref cannot start with '-'")
    git = shutil.which("git")
    if git is None:
        raise UsageError(f"{source}: git is not installed: install it, or give a file instead")
    try:
        # An argument list, no shell; the ref cannot start with '-', so it is never read as an option.
        shown = subprocess.run(  # noqa: S603
            [git, "show", f"{ref}:{path}"],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UsageError(f"{source}: git show took longer than {GIT_TIMEOUT:.0f} s") from None
    if shown.returncode != 0:
        reason = shown.stderr.decode("utf-8", "replace").strip().splitlines()
        said = reason[0] if reason else f"exit {shown.returncode}"
        raise UsageError(
            f"{source}: git show {ref}:{path} failed ({said}): fetch the ref first (actions/checkout "
            "with fetch-depth: 0) or check the path"
        )
    return load_bytes(shown.stdout, source)

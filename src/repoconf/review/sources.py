"""Where a side of `repoconf diff` comes from: a policy file, or ``git:REF:PATH`` read from git's object
store (the base of a pull request, e.g. ``git:origin/main:config/policy.yaml``), without touching the
work tree.

``REF:PATH`` is handed to ``git cat-file``, which takes it as one object name: the path is literal, never
a pathspec (``git show`` took ``config/nothing*.yaml`` as a glob and printed nothing, which read as an
empty policy). The object's type and size are asked first (``--batch-check``), so a tree or a 200 MB blob
is refused before a byte of it is read; the blob itself is read up to the policy's size limit. What git
says on failure is quoted on one printable line.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from repoconf.errors import UsageError
from repoconf.files import size_text
from repoconf.policy.loader import MAX_POLICY_BYTES, LoadedPolicy, load, load_bytes
from repoconf.text import printable

GIT_PREFIX = "git:"
GIT_TIMEOUT = 30.0


def load_source(source: str) -> LoadedPolicy:
    """The policy at ``source``; a bad ``git:`` source is a usage error naming git's own reason."""
    if not source.startswith(GIT_PREFIX):
        return load(source)
    shown = printable(source)
    ref, separator, path = source[len(GIT_PREFIX) :].partition(":")
    if not separator or not ref or not path:
        raise UsageError(f"{shown}: expected git:REF:PATH, e.g. git:origin/main:config/policy.yaml")
    if ref.startswith("-"):
        raise UsageError(f"{shown}: a ref cannot start with '-'")
    if any(char in source for char in "\n\r\x00"):
        raise UsageError(f"{shown}: a ref or path cannot hold a line break or NUL")
    git = shutil.which("git")
    if git is None:
        raise UsageError(f"{shown}: git is not installed: install it, or give a file instead")
    name = f"{ref}:{path}"
    form = "--batch-check=%(objecttype) %(objectsize) %(objectname)"
    check = _git(git, ["cat-file", form], name.encode() + b"\n", shown)
    found = check.decode("utf-8", "replace").split()
    if len(found) != 3 or found[0] != "blob" or not found[1].isascii() or not found[1].isdigit():
        what = "is a directory" if found[:1] == ["tree"] else "does not exist"
        raise UsageError(
            f"{shown}: {printable(path)} {what} at {printable(ref)}: fetch the ref first (actions/checkout "
            "with fetch-depth: 0) or check the path (taken literally, no wildcards)"
        )
    if int(found[1]) > MAX_POLICY_BYTES:
        raise UsageError(
            f"{shown}: {int(found[1]):,} bytes, larger than {size_text(MAX_POLICY_BYTES)}, which no policy is"
        )
    # The blob by its id, which cannot change between the two calls (the ref can, with a fetch).
    return load_bytes(_git(git, ["cat-file", "blob", found[2]], None, shown), source)


def _git(git: str, arguments: list[str], given: bytes | None, shown: str) -> bytes:
    """Run git with ``arguments`` (no shell; the ref cannot start with '-'), ``given`` on its standard
    input, for at most :data:`GIT_TIMEOUT` seconds, never prompting or fetching; a failure is a usage
    error quoting git's first line. Only small outputs are asked for (a size-checked blob).
    """
    # Never ask for credentials, never fetch a missing object of a partial clone (git 2.44+).
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_NO_LAZY_FETCH": "1"}
    try:
        finished = subprocess.run(  # noqa: S603
            [git, *arguments],
            input=given if given is not None else b"",
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
            env=environment,
        )
    except subprocess.TimeoutExpired:
        raise UsageError(f"{shown}: git took longer than {GIT_TIMEOUT:.0f} s") from None
    except OSError as error:
        raise UsageError(f"{shown}: git could not run ({error.strerror or error})") from None
    if finished.returncode != 0:
        said = finished.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = printable(said[0][:200]) if said else f"exit {finished.returncode}"
        raise UsageError(
            f"{shown}: git {arguments[0]} failed ({reason}): fetch the ref first (actions/checkout with "
            "fetch-depth: 0) or check the path"
        )
    return finished.stdout

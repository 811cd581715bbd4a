"""`repoconf init`: write a starter policy, the packaged template with your owner and repository."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from repoconf.cli.access import read_text_file
from repoconf.errors import ExitCode, UsageError
from repoconf.policy.identifiers import login_problem, repository_problem
from repoconf.policy.loader import MAX_POLICY_BYTES, load_text
from repoconf.policy.schema import policy_schema
from repoconf.policy.template import starter_policy
from repoconf.text import printable

SCHEMA_FILE = "policy.schema.json"


def init_command(
    path: Path, *, owner: str = "acme", repository: str = "widgets", check: bool = False
) -> ExitCode:
    """Write the starter policy (and its schema beside it), refusing to overwrite; with ``check``, say
    whether ``path`` is exactly what init would write (the shipped copy of the packaged template).
    """
    if login_problem(owner) is not None:
        raise UsageError(f"--owner: {owner!r} is not a GitHub organization or user name")
    if repository_problem(repository) is not None:
        raise UsageError(f"--repo: {repository!r} is not a repository name: {repository_problem(repository)}")
    if check:
        return _check(path, starter_policy(owner, repository))
    if path.exists():
        raise UsageError(f"{path} already exists; repoconf init never overwrites a policy")
    text = starter_policy(owner, repository)
    load_text(text, str(path))  # the template is tested to validate; this guards the substitution
    schema = path.parent / SCHEMA_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not schema.exists():
            schema.write_text(
                json.dumps(policy_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise UsageError(f"{path}: cannot write: {error.strerror or error}") from None
    print(printable(f"wrote {path} (owner {owner}, repository {repository}); next: repoconf validate {path}"))
    return ExitCode.OK


def _check(path: Path, expected: str) -> ExitCode:
    """Exit 0 when ``path`` holds ``expected``; else print a unified diff and exit 1."""
    actual = read_text_file(path, None, MAX_POLICY_BYTES)
    if actual == expected:
        print(f"{path}: what `repoconf init` writes")
        return ExitCode.OK
    diff = difflib.unified_diff(
        expected.splitlines(keepends=True), actual.splitlines(keepends=True), "repoconf init", str(path)
    )
    print("".join(diff), end="")
    print(f"{path} differs from what `repoconf init` writes (the packaged template)")
    return ExitCode.DRIFT

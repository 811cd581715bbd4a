"""`repoconf init`: write a starter policy, the packaged template with your owner and repository."""

from __future__ import annotations

import json
from pathlib import Path

from repoconf.errors import ExitCode, UsageError
from repoconf.policy.identifiers import login_problem, repository_problem
from repoconf.policy.loader import load_text
from repoconf.policy.schema import policy_schema
from repoconf.policy.template import starter_policy

SCHEMA_FILE = "policy.schema.json"


def init_command(path: Path, *, owner: str = "acme", repository: str = "widgets") -> ExitCode:
    """Write the starter policy (and its schema beside it), refusing to overwrite."""
    if login_problem(owner) is not None:
        raise UsageError(f"--owner: {owner!r} is not a GitHub organization or user name")
    if repository_problem(repository) is not None:
        raise UsageError(f"--repo: {repository!r} is not a repository name: {repository_problem(repository)}")
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
    print(f"wrote {path} (owner {owner}, repository {repository}); next: repoconf validate {path}")
    return ExitCode.OK

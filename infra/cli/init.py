"""`repoconf init`: write a starter policy, the shipped default with your owner and repository."""

from __future__ import annotations

import argparse
import re
from importlib import resources
from pathlib import Path

from infra.cli.errors import ExitCode, UsageError
from infra.policy.diagnostics import PolicyError
from infra.policy.loader import DEFAULT_POLICY, load_text
from infra.policy.model import OWNER_PATTERN, REPOSITORY_NAME_PATTERN

SCHEMA_FILE = "policy.schema.json"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``init`` sub-command."""
    parser = commands.add_parser("init", help="write a starter config/policy.yaml (never overwrites)")
    parser.add_argument("path", nargs="?", default=DEFAULT_POLICY, type=Path)
    parser.add_argument("--owner", default="acme", help="organization or user owning the repositories")
    parser.add_argument("--repo", default="widgets", help="the first repository")
    parser.set_defaults(run=run)


def starter_policy(owner: str, repository: str) -> str:
    """The shipped default policy's text, comments kept, with ``owner`` and the repository replaced."""
    text = resources.files("infra.policy").joinpath("default_policy.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^owner: acme ", f"owner: {owner} ", text, count=1, flags=re.MULTILINE)
    return re.sub(r"^  widgets: \{\}", f"  {repository}: {{}}", text, count=1, flags=re.MULTILINE)


def run(args: argparse.Namespace) -> int:
    """Write the starter policy (and its schema beside it), refusing to overwrite."""
    if not re.fullmatch(OWNER_PATTERN, args.owner):
        raise UsageError(f"--owner: {args.owner!r} is not a GitHub organization or user name")
    if not re.fullmatch(REPOSITORY_NAME_PATTERN, args.repo):
        raise UsageError(f"--repo: {args.repo!r} is not a repository name")
    path: Path = args.path
    if path.exists():
        raise UsageError(f"{path} already exists; repoconf init never overwrites a policy")
    text = starter_policy(args.owner, args.repo)
    try:
        load_text(text, str(path))
    except PolicyError as error:  # the template itself is broken: a bug, not the user's input
        raise RuntimeError("the starter policy does not validate") from error
    from infra.policy.schema import policy_schema

    path.parent.mkdir(parents=True, exist_ok=True)
    schema = path.parent / SCHEMA_FILE
    if not schema.exists():
        import json

        schema.write_text(json.dumps(policy_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    print(f"wrote {path} (owner {args.owner}, repository {args.repo}); next: repoconf validate {path}")
    return ExitCode.OK

"""`repoconf import OWNER/REPO`: print a policy describing an existing repository."""

from __future__ import annotations

import argparse
import re

from infra.cli.errors import ExitCode, UsageError
from infra.cli.options import add_github_arguments, open_github
from infra.github.errors import GitHubError, NotFound
from infra.policy.model import OWNER_PATTERN, REPOSITORY_NAME_PATTERN

FULL_NAME = re.compile(f"({OWNER_PATTERN.strip('^$')})/({REPOSITORY_NAME_PATTERN.strip('^$')})")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``import`` sub-command."""
    parser = commands.add_parser("import", help="print a policy YAML describing an existing repository")
    parser.add_argument("repository", metavar="OWNER/REPO")
    add_github_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Read the repository and print the policy."""
    match = FULL_NAME.fullmatch(args.repository)
    if match is None:
        raise UsageError(f"expected OWNER/REPO, got {args.repository!r}")
    owner, name = match.groups()
    from infra.audit.importer import import_repository

    with open_github(args) as github:
        try:
            text = import_repository(github, owner, name)
        except NotFound:
            raise GitHubError(f"repository {owner}/{name} not found (or the token cannot see it)") from None
    print(text, end="")
    return ExitCode.OK

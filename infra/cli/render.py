"""`repoconf render`: every resource the Pulumi program declares, without credentials."""

from __future__ import annotations

import argparse

from infra.cli.errors import ExitCode
from infra.cli.options import add_repository_filter, selected_repositories
from infra.policy.loader import DEFAULT_POLICY, load
from infra.progress import terminal_progress


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``render`` sub-command."""
    parser = commands.add_parser(
        "render", help="show every resource the Pulumi program declares (under mocks, no credentials)"
    )
    parser.add_argument("policy", nargs="?", default=DEFAULT_POLICY)
    parser.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    add_repository_filter(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Load the policy, run the program under mocks, print the resources."""
    loaded = load(args.policy)
    repositories = selected_repositories(loaded, args.repo)
    # Pulumi is imported only here: `repoconf validate` stays fast.
    from infra.render.formats import FORMATS
    from infra.render.run import render

    rendering = render(
        loaded, set(repositories) if repositories else None, progress=terminal_progress("rendered")
    )
    print(FORMATS[args.format](rendering))
    return ExitCode.OK

"""`repoconf render`: every resource the Pulumi program declares, without credentials."""

from __future__ import annotations

import argparse

from infra.cli.errors import ExitCode, UsageError
from infra.policy.loader import DEFAULT_POLICY, load


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``render`` sub-command."""
    parser = commands.add_parser(
        "render", help="show every resource the Pulumi program declares (under mocks, no credentials)"
    )
    parser.add_argument("policy", nargs="?", default=DEFAULT_POLICY)
    parser.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    parser.add_argument("--repo", action="append", metavar="NAME", help="only this repository (repeatable)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Load the policy, run the program under mocks, print the resources."""
    loaded = load(args.policy)
    if args.repo:
        unknown = sorted(set(args.repo) - set(loaded.policy.repositories))
        if unknown:
            known = ", ".join(sorted(loaded.policy.repositories))
            raise UsageError(f"--repo: {', '.join(unknown)} not in the policy (it has: {known})")
    # Pulumi is imported only here: `repoconf validate` stays fast.
    from infra.render.formats import FORMATS
    from infra.render.run import render

    rendering = render(loaded, set(args.repo) if args.repo else None)
    print(FORMATS[args.format](rendering))
    return ExitCode.OK

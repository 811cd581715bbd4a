"""`repoconf workflow release`: print a configured repository's release workflow."""

from __future__ import annotations

import argparse
import sys

from infra.cli.errors import ExitCode, UsageError
from infra.policy.diagnostics import dotted
from infra.policy.loader import DEFAULT_POLICY, load
from infra.workflows.release import WorkflowError, release_workflow


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``workflow release``."""
    parser = commands.add_parser("workflow", help="generate workflows for configured repositories")
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
    release = kinds.add_parser(
        "release", help="print .github/workflows/release.yaml for a repository of the policy"
    )
    release.add_argument("policy", nargs="?", default=DEFAULT_POLICY)
    release.add_argument("--repo", metavar="NAME", help="the repository (needed when the policy has several)")
    release.add_argument(
        "--trusted-publishing", action="store_true", help="publish with PyPI trusted publishing (no token)"
    )
    release.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the policy's environments against the release process and print the workflow."""
    loaded = load(args.policy)
    repositories = loaded.policy.repositories
    if args.repo is None:
        if len(repositories) != 1:
            raise UsageError(
                f"--repo: the policy has {len(repositories)} repositories: {', '.join(repositories)}"
            )
        args.repo = next(iter(repositories))
    if args.repo not in repositories:
        raise UsageError(f"--repo: {args.repo} not in the policy (it has: {', '.join(repositories)})")
    try:
        text = release_workflow(args.repo, repositories[args.repo], args.trusted_publishing)
    except WorkflowError as error:
        for problem in error.problems:
            location = loaded.location(args.repo, problem.path)
            path = dotted(loaded.origin(args.repo, problem.path))
            print(f"{location}: error: {path}: {problem.message}", file=sys.stderr)
        return ExitCode.INVALID
    print(text, end="")
    return ExitCode.OK

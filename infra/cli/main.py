"""Entry point of the `repoconf` command and its one error boundary.

User errors print one line per problem and exit with the codes of SPEC §6; anything else is a bug and
prints a traceback only with ``--debug``. Sub-commands that need Pulumi or HTTP import them lazily so
that ``repoconf validate`` starts fast.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from infra.cli import audit, drift_issue, importer, init, render, schema, validate, workflow
from infra.cli.errors import ExitCode, UsageError
from infra.github.errors import GitHubError
from infra.policy.diagnostics import PolicyError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="repoconf",
        description="GitHub repository settings for a gated release process, as code.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate.add_parser(commands)
    render.add_parser(commands)
    audit.add_parser(commands)
    importer.add_parser(commands)
    drift_issue.add_parser(commands)
    workflow.add_parser(commands)
    init.add_parser(commands)
    schema.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except PolicyError as error:
        for diagnostic in error.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        return ExitCode.INVALID
    except GitHubError as error:
        print(f"repoconf: error: {error}", file=sys.stderr)
        return ExitCode.GITHUB
    except UsageError as error:
        print(f"repoconf: error: {error}", file=sys.stderr)
        return ExitCode.INVALID
    except KeyboardInterrupt:
        print("repoconf: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as error:  # noqa: BLE001 - the boundary: anything unexpected is a bug
        if args.debug:
            traceback.print_exc()
        print(
            f"repoconf: internal error ({type(error).__name__}); this is a bug — "
            "rerun with --debug and report the traceback",
            file=sys.stderr,
        )
        return ExitCode.BUG


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    entry()

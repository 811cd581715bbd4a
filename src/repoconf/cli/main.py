"""Entry point of the `repoconf` command: argparse, dispatch, and the one error boundary.

Argument parsing lives here only; each command is a typed function in :mod:`repoconf.cli.commands`.
A :class:`~repoconf.errors.RepoconfError` prints its lines and ends with its own exit code (SPEC §6);
anything else is a bug and prints a traceback only with ``--debug``. Commands that need Pulumi or HTTP
import them lazily so that ``repoconf validate`` starts fast.
"""

from __future__ import annotations

import argparse
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from repoconf.cli.access import (
    CONCURRENCY_RANGE,
    DEADLINE_RANGE,
    MAX_REQUESTS_RANGE,
    MAX_WAIT_RANGE,
    RETRIES_RANGE,
    TIMEOUT_RANGE,
    GitHubAccess,
    in_range,
)
from repoconf.cli.commands.adopt import adopt_command
from repoconf.cli.commands.audit import audit_command
from repoconf.cli.commands.diff import diff_command
from repoconf.cli.commands.drift_issue import drift_issue_command
from repoconf.cli.commands.importer import import_repository_command
from repoconf.cli.commands.init import init_command
from repoconf.cli.commands.new import check_command, new_command
from repoconf.cli.commands.pr_comment import pr_comment_command
from repoconf.cli.commands.render import render_command
from repoconf.cli.commands.schema import schema_command
from repoconf.cli.commands.stacks import stacks_command
from repoconf.cli.commands.validate import validate_command
from repoconf.cli.commands.workflow import (
    workflow_ci_command,
    workflow_dependabot_command,
    workflow_release_command,
)
from repoconf.errors import ExitCode, RepoconfError, UsageError
from repoconf.ops.drift_issue import DEFAULT_AUTHOR, PulumiOutcome
from repoconf.policy.loader import DEFAULT_POLICY, freeze_after_load
from repoconf.text import printable

Handler = Callable[[argparse.Namespace], ExitCode]
if TYPE_CHECKING:  # argparse's sub-parser action is generic only to type checkers
    Commands = argparse._SubParsersAction["_Parser"]


class _Parser(argparse.ArgumentParser):
    """argparse with its messages on one printable line: it echoes what it could not parse (``unrecognized
    arguments: ...``) as given, escape sequences and all.
    """

    def error(self, message: str) -> NoReturn:
        """Print the usage and the escaped message, then exit 2."""
        super().error(printable(message))


_DECIMAL = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]{1,3})?")
_WHOLE = re.compile(r"[-+]?[0-9]{1,12}")


def _number(bounds: tuple[float, float]) -> Callable[[str], float]:
    """An argument type: a finite decimal number within ``bounds`` (``nan``, ``inf``, ``1e309`` refused)."""

    def number(text: str) -> float:
        value = float(text) if _DECIMAL.fullmatch(text) else None
        if value is None or not in_range(value, bounds):
            raise argparse.ArgumentTypeError(
                f"{printable(text)!r}: expected a number from {bounds[0]:g} to {bounds[1]:g}"
            )
        return value

    return number


def _whole(bounds: tuple[int, int]) -> Callable[[str], int]:
    """An argument type: a whole number of ASCII digits within ``bounds``."""

    def whole(text: str) -> int:
        value = int(text) if _WHOLE.fullmatch(text) else None
        if value is None or not bounds[0] <= value <= bounds[1]:
            raise argparse.ArgumentTypeError(
                f"{printable(text)!r}: expected a whole number from {bounds[0]} to {bounds[1]}"
            )
        return value

    return whole


def _directory(text: str) -> Path:
    """An argument type: a directory path, never empty (``Path('')`` would be the working directory)."""
    if not text:
        raise argparse.ArgumentTypeError("an empty path names no directory")
    return Path(text)


AUDIT_EXIT_RANGE = (0, 255)
ISSUE_NUMBER_RANGE = (1, 2**31 - 1)


def _policy_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "policy", nargs="?", default=DEFAULT_POLICY, help=f"policy file ({DEFAULT_POLICY}; - for stdin)"
    )


def _stack_policy_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "policy",
        nargs="?",
        help=f"policy file (the stack's with --stack, else {DEFAULT_POLICY}; - for stdin)",
    )


def _project_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=Path(),
        metavar="DIR",
        help="where Pulumi.yaml and the stack settings are (the current directory)",
    )


def _repository_filter(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", action="append", metavar="NAME", help="only this repository (repeatable)")


def _repositories_from(parser: argparse.ArgumentParser, instead: str) -> None:
    parser.add_argument(
        "--repositories-from",
        type=Path,
        metavar="FILE",
        help="the owner's repositories the policy's selectors choose from, one name or one JSON object "
        f'({{"name", "topics", "properties", "archived", "fork"}}) per line, {instead}',
    )


def _github_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api-url", help="GitHub API base URL (default: $GITHUB_API_URL or api.github.com)")
    parser.add_argument(
        "--timeout",
        type=_number(TIMEOUT_RANGE),
        default=10.0,
        help="seconds per network read (10); a request gets 4x that",
    )
    parser.add_argument(
        "--retries",
        type=_whole(RETRIES_RANGE),
        default=5,
        help="attempts per request on 5xx, timeouts and connection errors (5)",
    )
    parser.add_argument(
        "--max-wait",
        type=_number(MAX_WAIT_RANGE),
        default=900.0,
        help="seconds the whole run may spend waiting on rate limits and backoff (900); then exit 3",
    )
    parser.add_argument(
        "--deadline", type=_number(DEADLINE_RANGE), help="seconds the whole run may take (no limit)"
    )
    parser.add_argument(
        "--max-requests",
        type=_whole(MAX_REQUESTS_RANGE),
        help="requests the run may send (no limit); then exit 3",
    )
    parser.add_argument(
        "--cache-dir",
        type=_directory,
        help="conditional requests' cache ($XDG_CACHE_HOME/repoconf/http); an existing directory must be "
        "empty or already repoconf's",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")


def _access(args: argparse.Namespace) -> GitHubAccess:
    return GitHubAccess(
        api_url=args.api_url,
        timeout=args.timeout,
        retries=args.retries,
        max_wait=args.max_wait,
        deadline=args.deadline,
        cache_dir=args.cache_dir,
        use_cache=not args.no_cache,
        max_requests=args.max_requests,
    )


def _command(commands: Commands, name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(name, help=help_text)
    parser.set_defaults(handler=handler)
    return parser


def _version() -> str:
    from importlib import metadata

    return metadata.version("repoconf")


def _new(args: argparse.Namespace) -> ExitCode:
    if args.check:
        given = ("owner", "repo", "project", "stack_owner", "requirement")
        extra = [f"--{name.replace('_', '-')}" for name in given if getattr(args, name)]
        if extra:
            raise UsageError(f"new --check reads the repository; it takes no {', '.join(extra)}")
        return check_command(args.directory, stack=args.stack)
    missing = [f"--{name}" for name in ("owner", "repo") if not getattr(args, name)]
    if missing:
        raise UsageError(f"new: {' and '.join(missing)} required (or --check)")
    return new_command(
        args.directory,
        owner=args.owner,
        repository=args.repo,
        project=args.project,
        stack=args.stack or "staging",
        stack_owner=args.stack_owner,
        requirement=args.requirement,
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = _Parser(
        prog="repoconf", description="GitHub repository settings for a gated release process, as code."
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    parser.add_argument("--version", action="version", version=f"repoconf {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _command(
        commands,
        "diff",
        "what a policy change does, in policy terms, with weakened release gates flagged",
        lambda a: diff_command(
            a.base,
            a.head,
            output=a.format,
            repositories=a.repo,
            fail_on_weakening=a.fail_on_weakening,
            repositories_from=a.repositories_from,
        ),
    )
    p.add_argument(
        "base", help="the policy before: a file, or git:REF:PATH (git:origin/main:config/policy.yaml)"
    )
    p.add_argument("head", help="the policy after: a file, or git:REF:PATH")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument(
        "--fail-on-weakening", action="store_true", help="exit 1 only when a change weakens a gate"
    )
    _repository_filter(p)
    _repositories_from(p, "for both sides (without: each selector's own settings as selector:NAME)")

    p = _command(
        commands,
        "validate",
        "validate a policy file (schema and checks)",
        lambda a: validate_command(
            a.policy,
            strict=a.strict,
            explain_ref=a.explain_ref,
            output=a.format,
            repo_dir=a.repo_dir,
            repositories=a.repo,
            repositories_from=a.repositories_from,
        ),
    )
    _policy_argument(p)
    p.add_argument("--strict", action="store_true", help="warnings fail too")
    p.add_argument(
        "--explain-ref", metavar="REF", help="say per repository and environment whether REF may deploy"
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--repo-dir",
        metavar="PATH",
        help="also check a local checkout of the managed repository: required files, and a workflow job "
        "for each required check (no network)",
    )
    _repository_filter(p)
    _repositories_from(p, "(without: each selector's settings checked on their own)")

    p = _command(
        commands,
        "render",
        "show every resource the Pulumi program declares (under mocks, no credentials)",
        lambda a: render_command(
            a.policy, output=a.format, repositories=a.repo, repositories_from=a.repositories_from
        ),
    )
    _policy_argument(p)
    p.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    _repository_filter(p)
    _repositories_from(p, "(without: only the repositories the policy names)")

    p = _command(
        commands,
        "audit",
        "compare live repositories with the policy (read-only)",
        lambda a: audit_command(
            a.policy,
            access=_access(a),
            output=a.format,
            repositories=a.repo,
            concurrency=a.concurrency,
            owner=a.owner,
            stack=a.stack,
            project_dir=a.project_dir,
            repositories_from=a.repositories_from,
        ),
    )
    _stack_policy_argument(p)
    _repository_filter(p)
    _repositories_from(p, "instead of reading them from GitHub")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument(
        "--concurrency",
        type=_whole(CONCURRENCY_RANGE),
        default=8,
        help=f"repositories audited at once (8, at most {CONCURRENCY_RANGE[1]})",
    )
    p.add_argument("--owner", help="audit this organization instead of the policy's owner (see also --stack)")
    p.add_argument(
        "--stack",
        help="audit what this stack manages: Pulumi.STACK.yaml's owner and policy (see --project-dir)",
    )
    _project_dir_argument(p)
    _github_arguments(p)

    p = _command(
        commands,
        "import",
        "print a policy YAML describing an existing repository",
        lambda a: import_repository_command(a.repository, access=_access(a), into=a.into),
    )
    p.add_argument("repository", metavar="OWNER/REPO")
    p.add_argument(
        "--into",
        type=Path,
        metavar="POLICY",
        help="add the repository to this policy file (comments and order kept; only what differs from "
        "defaults is written)",
    )
    _github_arguments(p)

    p = _command(
        commands,
        "adopt",
        "write a `pulumi import --file` document that adopts an existing repository",
        lambda a: adopt_command(
            a.repository,
            a.policy,
            stack=a.stack,
            project_dir=a.project_dir,
            output=a.output,
            access=_access(a),
        ),
    )
    p.add_argument("repository", metavar="OWNER/REPO")
    _stack_policy_argument(p)
    p.add_argument(
        "--stack",
        default="staging",
        help="the stack to import into (staging): the repository must be its owner's and in its policy",
    )
    _project_dir_argument(p)
    p.add_argument("--output", "-o", type=Path, help="write the document here instead of stdout")
    _github_arguments(p)

    p = _command(
        commands,
        "drift-issue",
        "open, update or close the one `drift` issue after a drift run (CI)",
        lambda a: drift_issue_command(
            a.repository,
            audit_report=a.audit_report,
            audit_exit=a.audit_exit,
            pulumi_outcome=None if a.pulumi_outcome is None else PulumiOutcome(a.pulumi_outcome),
            run_url=a.run_url,
            access=_access(a),
            author=a.author,
        ),
    )
    p.add_argument("--repository", required=True, metavar="OWNER/REPO", help="where the issue lives")
    p.add_argument(
        "--author",
        default=DEFAULT_AUTHOR,
        help=f"only an issue by this login (and with repoconf's marker) is edited ({DEFAULT_AUTHOR})",
    )
    p.add_argument("--audit-report", required=True, type=Path, help="`repoconf audit --format markdown`")
    p.add_argument("--audit-exit", required=True, type=_whole(AUDIT_EXIT_RANGE), help="the audit's exit code")
    p.add_argument(
        "--pulumi-outcome",
        choices=[outcome.value for outcome in PulumiOutcome],
        help="outcome of a refresh-preview step, when the run has one (without: the audit is the verdict)",
    )
    p.add_argument("--run-url", required=True, help="link to the workflow run")
    _github_arguments(p)

    p = _command(
        commands,
        "pr-comment",
        "create or edit the one marked comment on a pull request (CI: the policy diff)",
        lambda a: pr_comment_command(
            a.repository,
            a.pull_request,
            body_file=a.body_file,
            marker=a.marker,
            author=a.author,
            run_url=a.run_url,
            access=_access(a),
        ),
    )
    p.add_argument("--repository", required=True, metavar="OWNER/REPO", help="where the pull request is")
    p.add_argument(
        "--pull-request", required=True, type=_whole(ISSUE_NUMBER_RANGE), metavar="N", help="its number"
    )
    p.add_argument("--body-file", required=True, type=Path, help="the comment's markdown")
    p.add_argument("--marker", default="diff", help="names the comment among others (default: diff)")
    p.add_argument(
        "--author", default=DEFAULT_AUTHOR, help=f"only a comment by this login is edited ({DEFAULT_AUTHOR})"
    )
    p.add_argument("--run-url", help="link to the run, named when the text must be cut")
    _github_arguments(p)

    workflow = commands.add_parser("workflow", help="generate workflows for configured repositories")
    kinds = workflow.add_subparsers(dest="kind", required=True, metavar="KIND")
    p = _command(
        kinds,
        "release",
        "print .github/workflows/release.yaml for a repository of the policy",
        lambda a: workflow_release_command(
            a.policy,
            repository=a.repo,
            token_upload=a.upload == "token",
            smoke_command=a.smoke_command,
            version_files=tuple(a.version_file),
            provenance=a.provenance,
        ),
    )
    _policy_argument(p)
    p.add_argument("--repo", metavar="NAME", help="the repository (needed when the policy has several)")
    upload = p.add_mutually_exclusive_group()
    upload.add_argument(
        "--trusted-publishing",
        dest="upload",
        action="store_const",
        const="trusted",
        help="upload with PyPI trusted publishing and PEP 740 attestations, no token (the default)",
    )
    upload.add_argument(
        "--token-upload",
        dest="upload",
        action="store_const",
        const="token",
        help="upload with the TEST_PYPI_TOKEN / PYPI_TOKEN secrets (indexes without trusted publishing)",
    )
    p.set_defaults(upload="trusted")
    p.add_argument(
        "--smoke-command",
        default="",
        metavar="CMD",
        help="shell command run against the installed package before QA is asked (in the checkout, the "
        "clean environment first on PATH)",
    )
    p.add_argument(
        "--version-file",
        action="append",
        default=[],
        metavar="PATH",
        help="a file a production tag may change after its approved candidate, besides pyproject.toml, "
        "CHANGELOG.md and the version module (repeatable)",
    )
    p.add_argument(
        "--no-provenance",
        dest="provenance",
        action="store_false",
        help="do not attest the built files (private repositories on plans without artifact attestations)",
    )

    p = _command(
        kinds,
        "ci",
        "print .github/workflows/ci.yaml: one job per required check of the repository's branch rules",
        lambda a: workflow_ci_command(a.policy, repository=a.repo),
    )
    _policy_argument(p)
    p.add_argument("--repo", metavar="NAME", help="the repository (needed when the policy has several)")

    p = _command(
        kinds,
        "dependabot",
        "print .github/dependabot.yml: weekly pull requests updating the workflows' pinned actions",
        lambda a: workflow_dependabot_command(a.policy, repository=a.repo),
    )
    _policy_argument(p)
    p.add_argument("--repo", metavar="NAME", help="the repository (needed when the policy has several)")

    p = _command(
        commands,
        "init",
        "write a starter config/policy.yaml (never overwrites)",
        lambda a: init_command(a.path, owner=a.owner, repository=a.repo, check=a.check),
    )
    p.add_argument("path", nargs="?", default=Path(DEFAULT_POLICY), type=Path)
    p.add_argument("--owner", default="acme", help="organization or user owning the repositories")
    p.add_argument("--repo", default="widgets", help="the first repository")
    p.add_argument(
        "--check", action="store_true", help="exit 1 (with a diff) unless PATH is what init would write"
    )

    p = _command(
        commands,
        "new",
        "write a complete configuration repository (never overwrites); --check: what this version changes",
        _new,
    )
    p.add_argument("directory", type=Path, metavar="DIR")
    p.add_argument("--check", action="store_true", help="compare DIR with what this version writes")
    p.add_argument("--owner", help="organization or user owning the repositories (required without --check)")
    p.add_argument("--repo", help="the first repository (required without --check)")
    p.add_argument("--project", help="the Pulumi project's name (default: DIR's name)")
    p.add_argument(
        "--stack", help="the first stack, the workflows' default (staging; --check: the one stack file)"
    )
    p.add_argument("--stack-owner", metavar="ORG", help="the first stack's owner override (a sandbox)")
    p.add_argument(
        "--requirement",
        metavar="LINE",
        help="requirements.txt's line installing this version (default repoconf==VERSION; or "
        "'repoconf @ git+https://github.com/OWNER/repoconf@vVERSION')",
    )

    p = _command(
        commands,
        "stacks",
        "the workflows' matrix of stacks; --groups N: split a stack in N groups (--setup, --moves-from)",
        lambda a: stacks_command(
            a.policy,
            stack=a.stack,
            project_dir=a.project_dir,
            groups=a.groups,
            setup=a.setup,
            moves_from=a.moves_from,
            repositories_from=a.repositories_from,
        ),
    )
    p.add_argument(
        "policy", nargs="?", help="with --moves-from: the policy (the stack's, else config/policy.yaml)"
    )
    p.add_argument("--stack", default="staging", help="the stack (staging), or the one split in groups")
    _project_dir_argument(p)
    p.add_argument("--groups", type=int, metavar="N", help="the stack split in N groups (1: not split)")
    p.add_argument(
        "--setup", action="store_true", help="with --groups: the Pulumi commands that create the group stacks"
    )
    p.add_argument(
        "--moves-from",
        type=int,
        metavar="M",
        help="with --groups: the `pulumi state move` commands from M groups (1: the stack unsplit) to N",
    )
    _repositories_from(p, "for --moves-from")

    _command(commands, "schema", "print the policy's JSON Schema", lambda a: schema_command())
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return int(handler(args))
    except RepoconfError as error:
        for line in error.lines():  # messages quote GitHub, git and files: one printable line each
            print(printable(line), file=sys.stderr)
        return int(error.exit_code)
    except KeyboardInterrupt:
        print("repoconf: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return int(ExitCode.OK)
    except Exception as error:  # noqa: BLE001 - the boundary: anything unexpected is a bug
        if args.debug:
            traceback.print_exc()
        print(
            f"repoconf: internal error ({type(error).__name__}); this is a bug — "
            "rerun with --debug and report the traceback",
            file=sys.stderr,
        )
        return int(ExitCode.BUG)


def entry() -> None:
    """Console-script entry point: the process is the command's alone, so what a policy load builds is
    frozen out of the collector's scans (:func:`~repoconf.policy.loader.freeze_after_load`).
    """
    freeze_after_load()
    sys.exit(main())


if __name__ == "__main__":
    entry()

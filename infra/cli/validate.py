"""`repoconf validate`: schema, checks and the release walk-through (``--explain-ref``)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from infra.cli.errors import ExitCode, UsageError
from infra.policy.checks import run_checks
from infra.policy.diagnostics import Diagnostic, PolicyError, Severity
from infra.policy.loader import load
from infra.policy.refs import Ref, explain


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``validate`` sub-command."""
    parser = commands.add_parser("validate", help="validate a policy file (schema and checks)")
    parser.add_argument("policy", nargs="?", default="config/policy.yaml")
    parser.add_argument("--strict", action="store_true", help="warnings fail too")
    parser.add_argument(
        "--explain-ref",
        metavar="REF",
        help="say per repository and environment whether REF (refs/tags/v1.2.3) may deploy",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def _walkthrough(loaded_policy: Any, ref: Ref) -> list[dict[str, Any]]:
    rows = []
    for name, settings in loaded_policy.repositories.items():
        environments = []
        for env_name, environment in settings.environments.items():
            verdict = explain(settings, environment, ref)
            environments.append({"name": env_name, "allowed": verdict.allowed, "reason": verdict.reason})
        rows.append({"name": name, "environments": environments})
    return rows


def run(args: argparse.Namespace) -> int:
    """Validate; print diagnostics and, with ``--explain-ref``, the walk-through."""
    ref = None
    if args.explain_ref is not None:
        try:
            ref = Ref.parse(args.explain_ref)
        except ValueError as error:
            raise UsageError(f"--explain-ref: {error}") from None
    diagnostics: list[Diagnostic]
    try:
        loaded = load(args.policy)
    except PolicyError as error:
        return _report(args, error.diagnostics, None, None)
    diagnostics = run_checks(loaded)
    walk = _walkthrough(loaded.policy, ref) if ref is not None else None
    return _report(args, diagnostics, len(loaded.policy.repositories), walk)


def _failed(args: argparse.Namespace, diagnostics: list[Diagnostic]) -> bool:
    failing = {Severity.ERROR, Severity.WARNING} if args.strict else {Severity.ERROR}
    return any(d.severity in failing for d in diagnostics)


def _report(
    args: argparse.Namespace,
    diagnostics: list[Diagnostic],
    repositories: int | None,
    walk: list[dict[str, Any]] | None,
) -> int:
    failed = repositories is None or _failed(args, diagnostics)
    if args.format == "json":
        document = {
            "file": args.policy,
            "valid": not failed,
            "repositories": repositories,
            "errors": sum(d.severity is Severity.ERROR for d in diagnostics),
            "warnings": sum(d.severity is Severity.WARNING for d in diagnostics),
            "diagnostics": [d.as_json() for d in diagnostics],
            "explain": None if walk is None else {"ref": args.explain_ref, "repositories": walk},
        }
        print(json.dumps(document, indent=2))
        return ExitCode.INVALID if failed else ExitCode.OK
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=sys.stderr)
    if walk is not None:
        print(f"deployments from {args.explain_ref}:")
        for repository in walk:
            print(f"  {repository['name']}:")
            width = max((len(e["name"]) for e in repository["environments"]), default=0)
            for environment in repository["environments"]:
                verdict = "allowed" if environment["allowed"] else "refused"
                print(f"    {environment['name']:<{width}}  {verdict:<7}  {environment['reason']}")
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    errors = len(diagnostics) - warnings
    if failed:
        why = f"{errors} error(s)" + (f", {warnings} warning(s) (--strict)" if args.strict else "")
        print(f"{args.policy}: invalid: {why}", file=sys.stderr)
        return ExitCode.INVALID
    print(f"{args.policy}: valid: {repositories} repositories, {warnings} warning(s)")
    return ExitCode.OK

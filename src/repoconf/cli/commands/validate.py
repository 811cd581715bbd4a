"""`repoconf validate`: schema, checks and the release walk-through (``--explain-ref``)."""

from __future__ import annotations

import json
import sys
from typing import Any, Literal

from repoconf.errors import Diagnostic, ExitCode, Severity, UsageError
from repoconf.policy.checks import run_checks
from repoconf.policy.diagnostics import PolicyError
from repoconf.policy.loader import load
from repoconf.policy.model import Policy
from repoconf.policy.refs import Ref, explain


def _walkthrough(policy: Policy, ref: Ref) -> list[dict[str, Any]]:
    rows = []
    for name, settings in policy.repositories.items():
        environments = []
        for env_name, environment in settings.environments.items():
            verdict = explain(settings, environment, ref)
            environments.append({"name": env_name, "allowed": verdict.allowed, "reason": verdict.reason})
        rows.append({"name": name, "environments": environments})
    return rows


def validate(
    policy: str,
    *,
    strict: bool = False,
    explain_ref: str | None = None,
    output: Literal["text", "json"] = "text",
) -> ExitCode:
    """Validate; print diagnostics and, with ``explain_ref``, the walk-through."""
    ref = None
    if explain_ref is not None:
        try:
            ref = Ref.parse(explain_ref)
        except ValueError as error:
            raise UsageError(f"--explain-ref: {error}") from None
    try:
        loaded = load(policy)
    except PolicyError as error:
        return _report(policy, strict, explain_ref, output, error.diagnostics, None, None)
    diagnostics = run_checks(loaded)
    walk = _walkthrough(loaded.policy, ref) if ref is not None else None
    return _report(policy, strict, explain_ref, output, diagnostics, len(loaded.policy.repositories), walk)


def _report(
    policy: str,
    strict: bool,
    explain_ref: str | None,
    output: str,
    diagnostics: list[Diagnostic],
    repositories: int | None,
    walk: list[dict[str, Any]] | None,
) -> ExitCode:
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    failed = repositories is None or any(d.severity in failing for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    errors = len(diagnostics) - warnings
    if output == "json":
        document = {
            "file": policy,
            "valid": not failed,
            "repositories": repositories,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": [d.as_json() for d in diagnostics],
            "explain": None if walk is None else {"ref": explain_ref, "repositories": walk},
        }
        print(json.dumps(document, indent=2))
        return ExitCode.INVALID if failed else ExitCode.OK
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=sys.stderr)
    if walk is not None:
        print(f"deployments from {explain_ref}:")
        for repository in walk:
            print(f"  {repository['name']}:")
            width = max((len(e["name"]) for e in repository["environments"]), default=0)
            for environment in repository["environments"]:
                verdict = "allowed" if environment["allowed"] else "refused"
                print(f"    {environment['name']:<{width}}  {verdict:<7}  {environment['reason']}")
    if failed:
        why = f"{errors} error(s)" + (f", {warnings} warning(s) (--strict)" if strict else "")
        print(f"{policy}: invalid: {why}", file=sys.stderr)
        return ExitCode.INVALID
    print(f"{policy}: valid: {repositories} repositories, {warnings} warning(s)")
    return ExitCode.OK

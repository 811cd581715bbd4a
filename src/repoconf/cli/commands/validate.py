"""`repoconf validate`: schema, checks, the release walk-through (``--explain-ref``) and, with
``--repo-dir``, what a local checkout of the managed repository must hold.

A policy with selectors is checked against the list ``--repositories-from`` gives (every selected
repository, two selectors that disagree on one an error); without a list, each selector's own settings are
checked as ``selector:NAME`` and two selectors that could disagree are a warning.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

from repoconf.cli.access import selected_repositories
from repoconf.cli.selection import from_list
from repoconf.concepts.content import content_problems
from repoconf.errors import Diagnostic, ExitCode, Severity, UsageError
from repoconf.live.checkout import read_checkout
from repoconf.policy.checks import run_checks
from repoconf.policy.diagnostics import PolicyError
from repoconf.policy.loader import LoadedPolicy, load
from repoconf.policy.model import Policy
from repoconf.policy.refs import Ref, explain
from repoconf.policy.selection import possible_conflicts, previewed
from repoconf.text import printable


def _walkthrough(policy: Policy, ref: Ref) -> list[dict[str, Any]]:
    rows = []
    for name, settings in policy.repositories.items():
        environments = []
        for env_name, environment in settings.environments.items():
            verdict = explain(settings, environment, ref)
            environments.append({"name": env_name, "allowed": verdict.allowed, "reason": verdict.reason})
        rows.append({"name": name, "environments": environments})
    return rows


def _checkout_diagnostics(
    loaded: LoadedPolicy, repo_dir: str, repositories: list[str] | None
) -> list[Diagnostic]:
    """Required files and check producers of the checkout at ``repo_dir``, for the repository it is."""
    root = Path(repo_dir)
    if not root.is_dir():
        raise UsageError(
            f"--repo-dir {repo_dir}: not a directory: give the path of the repository's checkout"
        )
    names = selected_repositories(loaded, repositories) or list(loaded.policy.repositories)
    if not repositories and len(names) > 1:
        raise UsageError(
            f"--repo-dir: the policy has {len(names)} repositories: name the checkout's with --repo NAME"
        )
    content = read_checkout(root)
    return [
        loaded.diagnose(name, problem, "content")
        for name in names
        for problem in content_problems(loaded.policy.repositories[name], content, repo_dir.rstrip("/"))
    ]


def validate_command(
    policy: str,
    *,
    strict: bool = False,
    explain_ref: str | None = None,
    output: Literal["text", "json"] = "text",
    repo_dir: str | None = None,
    repositories: list[str] | None = None,
    repositories_from: Path | None = None,
) -> ExitCode:
    """Validate; print diagnostics and, with ``explain_ref``, the walk-through; with ``repo_dir``, also
    check the checkout there (``repositories``: which of the policy's repositories it is);
    ``repositories_from``: the list of the owner's repositories the selectors are resolved against.
    """
    ref = None
    if explain_ref is not None:
        try:
            ref = Ref.parse(explain_ref)
        except ValueError as error:
            raise UsageError(f"--explain-ref: {error}") from None
    try:
        loaded = load(policy)
        resolved = from_list(loaded, repositories_from)
    except PolicyError as error:
        return _report(policy, strict, explain_ref, output, error.diagnostics, None, None)
    count = len(resolved.policy.repositories)
    unresolved = 0
    static: list[Diagnostic] = []
    if resolved.selection is not None and resolved.selection.selected is None:
        unresolved = len(resolved.selection.matches)
        resolved, static = previewed(loaded), possible_conflicts(loaded)
    loaded = resolved
    diagnostics = sorted(
        static + run_checks(loaded), key=lambda d: (d.location.line, d.location.column, d.message)
    )
    if repo_dir is not None:
        diagnostics += _checkout_diagnostics(loaded, repo_dir, repositories)
    walk = _walkthrough(loaded.policy, ref) if ref is not None else None
    return _report(policy, strict, explain_ref, output, diagnostics, count, walk, unresolved)


def _report(
    policy: str,
    strict: bool,
    explain_ref: str | None,
    output: str,
    diagnostics: list[Diagnostic],
    repositories: int | None,
    walk: list[dict[str, Any]] | None,
    unresolved: int = 0,
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
            # only for a policy whose selectors no list resolved: a policy without any prints as before
            **({"unresolved_selectors": unresolved} if unresolved else {}),
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
        print(printable(f"deployments from {explain_ref}:"))
        for repository in walk:
            print(printable(f"  {repository['name']}:"))
            width = max((len(e["name"]) for e in repository["environments"]), default=0)
            for environment in repository["environments"]:
                verdict = "allowed" if environment["allowed"] else "refused"
                print(printable(f"    {environment['name']:<{width}}  {verdict:<7}  {environment['reason']}"))
    if failed:
        why = f"{errors} error(s)" + (f", {warnings} warning(s) (--strict)" if strict else "")
        print(printable(f"{policy}: invalid: {why}"), file=sys.stderr)
        return ExitCode.INVALID
    selectors = (
        f", {unresolved} selector(s) checked on their own (`--repositories-from FILE` checks what they "
        "select)"
        if unresolved
        else ""
    )
    print(printable(f"{policy}: valid: {repositories} repositories{selectors}, {warnings} warning(s)"))
    return ExitCode.OK

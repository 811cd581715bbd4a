"""Release step: whether reviewers approved a release candidate of this version, for this code.

A production tag ``TAG`` skips ``qa`` and ``production-release`` only when a candidate ``TAG-rcN`` (N of
one or two digits, as ``{versions: candidate}``) passed them in its own release run and the production
tag's commit is that run's code. Evidence only GitHub's reviewers can create counts:

1. the release workflow's own run for the push of the candidate tag: ``GET /repos/{repo}/actions/
   workflows/{file}/runs?event=push`` (newest first, every page up to a bound), each run checked again:
   ``path`` is this workflow's file (bare, ``path@ref``, or ``owner/repo/path@ref`` of this repository),
   ``event`` push, ``head_branch`` the candidate tag, ``status`` completed and ``conclusion`` success (a run
   rejected, failed, or cancelled during the wait timer does not count);
2. its review history, ``GET .../actions/runs/{id}/approvals``: an ``approved`` review covering each
   environment of ``APPROVALS`` (``qa`` and ``production-release``) and no ``rejected`` review at all;
3. the approved code is the run's ``head_sha`` (RC tags can be moved or deleted afterwards, so the tag's
   current commit means nothing); the production tag's commit ``GITHUB_SHA`` must be it, or descend from
   it (``GET .../compare/{head_sha}...{GITHUB_SHA}``: ``status`` ahead or identical) changing only the
   ``VERSION_FILES`` — release notes (``.md``, ``.rst``, ``.txt``) freely, any other file (pyproject.toml,
   the version module) only in lines that assign a version (``version = "1.2.3"``, ``__version__ = ...``).

Deployments and deployment statuses are never read: anyone with write access can create them through
the REST API, with a ``success`` status and no reviewer (a writer's own workflow creates them as
github-actions[bot] too). The job's token needs ``actions: read`` and ``contents: read`` (a private
repository answers 403 without them).

Writes ``approved=true|false``, ``candidate`` and ``run`` to ``GITHUB_OUTPUT`` and what it found to the
job summary. Any answer it cannot use (an HTTP error, a redirect, a body too large or too deep, a deadline)
fails closed: ``approved=false`` with a one-line warning, and the approvals run again.
"""

import os
import re
import sys
import urllib.parse
from dataclasses import dataclass
from typing import Any

from repoconf.workflows.steps.careful_http import Unusable, fetch, github_headers, json_of, pages

SHA = re.compile(r"[0-9a-f]{40}")
NOTES = (".md", ".rst", ".txt")
VERSION_LINE = re.compile(
    r"[+-]\s*(?:(?:__version__|version)\s*(?::\s*str\s*)?=\s*(?:\"[^\"\\]*\"|'[^'\\]*')\s*(?:#.*)?)?"
)
"""A changed line of a diff that assigns a version (or is blank), and nothing else."""
MAX_COMPARED_FILES = 300
"""GitHub's compare lists at most 300 files: a longer list cannot be checked."""


@dataclass(frozen=True)
class Context:
    """Who and what the step asks about."""

    api: str
    repository: str
    token: str
    tag: str
    production_sha: str
    workflow_path: str
    environments: tuple[str, ...]
    version_files: frozenset[str]


@dataclass(frozen=True)
class Verdict:
    """The candidate that counts, or None, and what was seen on the way."""

    candidate: str | None
    run: str
    seen: list[str]


def workflow_path(workflow_ref: str, repository: str) -> str:
    """``owner/repo/.github/workflows/release.yaml@refs/tags/v1`` → ``.github/workflows/release.yaml``."""
    name = workflow_ref.rsplit("@", 1)[0]
    prefix = repository + "/"
    if not name.lower().startswith(prefix.lower()) or "@" not in workflow_ref:
        raise Unusable(f"GITHUB_WORKFLOW_REF {workflow_ref!r} is not a workflow of {repository}")
    return name[len(prefix) :]


def same_workflow(path: Any, context: Context) -> bool:
    """A run's ``path`` names this workflow file: bare, ``path@ref`` or ``owner/repo/path@ref``."""
    if not isinstance(path, str):
        return False
    bare = path.rsplit("@", 1)[0] if "@" in path else path
    qualified = f"{context.repository}/".lower()
    if bare.lower().startswith(qualified) and "@" in path:
        bare = bare[len(qualified) :]
    return bare == context.workflow_path


def reviews_pass(reviews: Any, environments: tuple[str, ...]) -> str | None:
    """Why the review history does not approve every environment, or None when it does."""
    if not isinstance(reviews, list):
        raise Unusable("the review history is not a list")
    approved: set[str] = set()
    for review in reviews:
        if not isinstance(review, dict) or not isinstance(review.get("environments"), list):
            raise Unusable("a review is not an object with environments")
        names = {
            str(environment.get("name", "")).casefold()
            for environment in review["environments"]
            if isinstance(environment, dict)
        }
        if review.get("state") == "rejected":
            return f"a reviewer rejected {', '.join(sorted(names))}"
        if review.get("state") == "approved":
            approved |= names
    missing = [name for name in environments if name.casefold() not in approved]
    return f"no approved review for {', '.join(missing)}" if missing else None


def code_passes(comparison: Any, context: Context) -> str | None:
    """Why the production commit is not the approved code (plus version files), or None when it is."""
    if not isinstance(comparison, dict) or not isinstance(comparison.get("files", []), list):
        raise Unusable("the comparison is not an object with files")
    status = comparison.get("status")
    if status not in ("ahead", "identical") or comparison.get("behind_by") != 0:
        return f"the production commit does not descend from the approved one (compare: {status})"
    files = comparison.get("files", [])
    if len(files) >= MAX_COMPARED_FILES:
        return f"{len(files)} files changed (GitHub lists at most {MAX_COMPARED_FILES})"
    for changed in files:
        if not isinstance(changed, dict) or not isinstance(changed.get("filename"), str):
            raise Unusable("a compared file is not an object with a filename")
        name = changed["filename"]
        if name not in context.version_files or changed.get("status") != "modified":
            return f"{name} changed ({changed.get('status')}), and it is not a version file"
        if name.endswith(NOTES):
            continue
        patch = changed.get("patch")
        if not isinstance(patch, str):
            return f"{name} changed and GitHub gives no diff of it to check"
        for line in patch.splitlines():
            if line.startswith(("+", "-")) and not VERSION_LINE.fullmatch(line):
                return f"{name} changed beyond its version: {line[:60]!r}"
    return None


def approved_candidate(context: Context) -> Verdict:
    """The newest candidate run that reviewers approved for this code, if any."""
    base = f"{context.api.rstrip('/')}/repos/{context.repository}"
    candidate = re.compile(rf"{re.escape(context.tag)}-rc[0-9]{{1,2}}")
    workflow_file = urllib.parse.quote(context.workflow_path.rsplit("/", 1)[-1], safe="")
    query = urllib.parse.urlencode({"event": "push", "status": "completed", "per_page": 100})
    seen: list[str] = []
    for run in pages(
        f"{base}/actions/workflows/{workflow_file}/runs?{query}", context.token, "workflow_runs"
    ):
        if not isinstance(run, dict):
            raise Unusable("a workflow run is not an object")
        branch = run.get("head_branch")
        if not isinstance(branch, str) or not candidate.fullmatch(branch):
            continue
        head = run.get("head_repository")
        label = f"{branch} (run {run.get('id')})"
        if (
            run.get("event") != "push"
            or not same_workflow(run.get("path"), context)
            or not isinstance(head, dict)
            or str(head.get("full_name", "")).lower() != context.repository.lower()
        ):
            seen.append(f"{label}: not this workflow's run for the push of the tag")
            continue
        if run.get("status") != "completed" or run.get("conclusion") != "success":
            seen.append(f"{label}: {run.get('status')}, {run.get('conclusion')}")
            continue
        run_id, sha = run.get("id"), run.get("head_sha")
        if not isinstance(run_id, int) or isinstance(run_id, bool) or not SHA.fullmatch(str(sha)):
            raise Unusable("a workflow run has no usable id or head_sha")
        reviews = json_of(fetch(f"{base}/actions/runs/{run_id}/approvals", github_headers(context.token)))
        refused = reviews_pass(reviews, context.environments)
        if refused is None and sha != context.production_sha:
            comparison = json_of(
                fetch(f"{base}/compare/{sha}...{context.production_sha}", github_headers(context.token))
            )
            refused = code_passes(comparison, context)
        if refused is None:
            seen.append(f"{label}: approved for {', '.join(context.environments)}, code {sha}")
            return Verdict(branch, str(run_id), seen)
        seen.append(f"{label}: {refused}")
    return Verdict(None, "", seen)


def context_from_environment() -> Context:
    """The step's inputs (the runner's variables and the step's env)."""
    repository = os.environ.get("GITHUB_REPOSITORY", "")
    sha = os.environ.get("GITHUB_SHA", "")
    if not SHA.fullmatch(sha):
        raise Unusable("GITHUB_SHA is not a commit")
    return Context(
        api=os.environ.get("GITHUB_API_URL", "https://api.github.com"),
        repository=repository,
        token=os.environ.get("GH_TOKEN", ""),
        tag=os.environ.get("TAG", ""),
        production_sha=sha,
        workflow_path=workflow_path(os.environ.get("GITHUB_WORKFLOW_REF", ""), repository),
        environments=tuple(os.environ.get("APPROVALS", "qa production-release").split()),
        version_files=frozenset(line.strip() for line in os.environ.get("VERSION_FILES", "").splitlines())
        - {""},
    )


def main() -> None:
    """Write the verdict to GITHUB_OUTPUT and the job summary."""
    for name in ("TAG", "GITHUB_REPOSITORY", "GH_TOKEN", "GITHUB_OUTPUT"):
        if not os.environ.get(name):
            print(f"::error::{name} must be set")
            sys.exit(1)
    tag = os.environ["TAG"]
    gates = " and ".join(os.environ.get("APPROVALS", "qa production-release").split())
    try:
        verdict = approved_candidate(context_from_environment())
    except Unusable as error:
        print(
            f"::warning::could not check for an approved candidate of {tag} ({error}): {tag} passes "
            f"{gates} itself"
        )
        verdict = Verdict(None, "", [f"unusable answer: {error}"])
    if verdict.candidate:
        outcome = f"{verdict.candidate} passed {gates} in run {verdict.run}: {tag} goes to its release"
    else:
        outcome = f"no candidate of {tag} was approved for this code: {tag} passes {gates} first"
    print(outcome)
    for line in verdict.seen:
        print(f"  {line}")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as out:
            out.write(f"### Approved candidate\n\n{outcome}\n\n")
            out.writelines(f"- {line}\n" for line in verdict.seen)
    with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
        approved = "true" if verdict.candidate else "false"
        output.write(f"approved={approved}\ncandidate={verdict.candidate or ''}\nrun={verdict.run}\n")


if __name__ == "__main__":
    main()

"""`repoconf adopt OWNER/REPO`: a `pulumi import --file` document for an existing repository."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from repoconf.cli.access import GitHubAccess, policy_spelling, split_full_name
from repoconf.cli.stacks import stack_policy
from repoconf.errors import ExitCode, UsageError
from repoconf.github.errors import GitHubError
from repoconf.policy.groups import group_of


def adopt_command(
    full_name: str,
    policy: str | None,
    *,
    stack: str,
    project_dir: Path,
    output: Path | None,
    access: GitHubAccess,
) -> ExitCode:
    """Check that ``stack`` manages the repository (its owner, its policy or a selector of it, its group),
    then render the repository's declarations, read the live ids and write the import document. The
    checks come before any request, except whether a selector selects it (its topics and properties).
    """
    owner, name = split_full_name(full_name, "OWNER/REPO")
    settings, loaded = stack_policy(project_dir, stack, policy)
    name = policy_spelling(loaded, name) or name  # GitHub finds `LEGACY` as `legacy`: the policy's name
    managed = settings.owner or loaded.policy.owner
    if owner.lower() != managed.lower():  # GitHub logins are case-insensitive
        where = (
            f"{settings.file}: {settings.project.name}:owner"
            if settings.owner
            else f"the owner of {loaded.source.file}"
        )
        raise UsageError(
            f"stack {stack!r} manages {managed} ({where}), not {owner}: adopt {managed}/{name} with it, or "
            f"pass --stack of the stack that manages {owner}"
        )
    group = settings.group
    if group is not None and not group.holds(name):
        raise UsageError(
            f"{name} is in group {group_of(name, group.groups)}/{group.groups}, not in stack {stack!r}'s "
            f"{group} ({settings.file}): adopt it with the stack of its group"
        )
    absent = (
        f"{name} is not in {loaded.source.file}, the policy of stack {stack!r}: add it first "
        f"(`repoconf import {full_name}` prints its settings)"
    )
    if name not in loaded.policy.repositories and loaded.selection is None:
        raise UsageError(absent)
    from repoconf.adopt.plan import live_ids, plan
    from repoconf.concepts.access import grants
    from repoconf.concepts.branches import classic_branches
    from repoconf.live.inventory import needs_properties, read_candidate
    from repoconf.live.read import ReadPlan, read_repository
    from repoconf.policy.selection import resolve
    from repoconf.render.run import render

    with access.open(configured_url=loaded.policy.github.api_url) as github:
        if loaded.selection is not None:
            # what the program declares for it: its selectors resolved as the program resolves them
            candidate = read_candidate(github, owner, name, needs_properties(loaded.selection))
            if candidate is not None:
                loaded = resolve(loaded, [candidate])
                name = candidate.name if candidate.name in loaded.policy.repositories else name
            if name not in loaded.policy.repositories:
                raise UsageError(
                    f"{name} is not in {loaded.source.file}, the policy of stack {stack!r}, and none of its "
                    "selectors selects it: name it under `repositories`, or give it what a selector matches"
                )
        declarations = render(loaded, {name}).declarations
        declared = loaded.policy.repositories[name]
        # the repository's teams (one listing) when the policy grants any: the grants' import ids
        wanted = ReadPlan(classic_branches=tuple(classic_branches(declared)), teams=bool(grants(declared)))
        live = read_repository(github, owner, name, wanted)
    if not live.exists:
        raise GitHubError(f"repository {owner}/{name} not found (or the token cannot see it)")
    adoption = plan(declarations, live_ids(live), name, stack, settings.project.name)
    text = json.dumps(adoption.document, indent=2) + "\n"
    if output is None:
        print(text, end="")
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"{output}: cannot write: {error.strerror or error}") from None
    imported = sum(1 for entry in adoption.document["resources"] if "id" in entry)
    print(
        f"repoconf adopt: {imported} resource(s) to import; {len(adoption.created)} declared resource(s) "
        "do not exist on GitHub yet and will be created by `pulumi up`"
        + (": " + ", ".join(adoption.created) if adoption.created else ""),
        file=sys.stderr,
    )
    return ExitCode.OK

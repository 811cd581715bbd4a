"""`repoconf adopt OWNER/REPO`: a `pulumi import --file` document for an existing repository."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from repoconf.cli.access import GitHubAccess, split_full_name
from repoconf.errors import ExitCode, UsageError
from repoconf.github.errors import GitHubError
from repoconf.policy.loader import load

PROJECT_FILE = "Pulumi.yaml"


def project_name(directory: Path) -> str:
    """The Pulumi project's name from ``Pulumi.yaml`` in ``directory`` (``repoconf`` without one)."""
    try:
        project = yaml.safe_load((directory / PROJECT_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return "repoconf"
    name = project.get("name") if isinstance(project, dict) else None
    return str(name) if name else "repoconf"


def adopt_command(
    full_name: str,
    policy: str,
    *,
    stack: str,
    project: str | None,
    output: Path | None,
    access: GitHubAccess,
) -> ExitCode:
    """Render the repository's declarations, read the live ids, write the import document."""
    owner, name = split_full_name(full_name, "OWNER/REPO")
    loaded = load(policy)
    if name not in loaded.policy.repositories:
        raise UsageError(
            f"{name} is not in {policy}: add it first (`repoconf import {full_name}` prints its settings)"
        )
    from repoconf.adopt.plan import live_ids, plan
    from repoconf.concepts.branches import classic_branches
    from repoconf.live.read import read_repository
    from repoconf.render.run import render

    declarations = render(loaded, {name}).declarations
    with access.open(configured_url=loaded.policy.github.api_url) as github:
        live = read_repository(github, owner, name, classic_branches(loaded.policy.repositories[name]))
    if not live.exists:
        raise GitHubError(f"repository {owner}/{name} not found (or the token cannot see it)")
    adoption = plan(declarations, live_ids(live), name, stack, project or project_name(Path.cwd()))
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

"""The stack's run: read the stack config, load the policy, declare, export.

``infra/__main__.py`` (what ``Pulumi.yaml``'s ``main: infra/`` runs) only calls :func:`run`. For a
directory ``main``, the engine makes that directory the working directory and runs ``.`` there
(pulumi/pulumi ``pkg/engine/project.go``, ``getPwdMain``: "if maininfo.IsDir() { pwd = main; main = "." }"),
so a relative ``policy`` is resolved against the project root (where ``Pulumi.yaml`` is), never
against the working directory.

The stack config keys live in the project's own namespace, whatever the project is called: ``Pulumi.yaml``
declares them bare and ``pulumi.Config()`` reads the project's namespace (:mod:`repoconf.project` says
why Pulumi requires it).
"""

from __future__ import annotations

from pathlib import Path

import pulumi

from repoconf.errors import DiagnosticError, RepoconfError
from repoconf.policy.loader import DEFAULT_POLICY, load
from repoconf.program.compose import ProviderSettings, declare, export_summary
from repoconf.program.secrets import StackSecrets
from repoconf.project import OWNER, POLICY, PROJECT_FILE


def project_root(start: Path | None = None) -> Path:
    """The directory holding ``Pulumi.yaml``: the engine's root directory, else the nearest ancestor of
    ``start`` (the working directory) that has the project file, else ``start`` itself.

    The engine's value is used only when it holds the project file: Pulumi's mocks report a placeholder.
    """
    root = pulumi.runtime.get_root_directory()
    if root and (Path(root) / PROJECT_FILE).is_file():
        return Path(root)
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / PROJECT_FILE).is_file():
            return directory
    return here


def policy_path(configured: str | None, root: Path) -> Path:
    """The policy file the stack uses: ``policy`` (default ``config/policy.yaml``) under ``root``."""
    path = Path(configured or DEFAULT_POLICY)
    return path if path.is_absolute() else root / path


def run() -> None:
    """Run the program for the current stack; located one-line errors end it, never a traceback."""
    config = pulumi.Config()  # the project's namespace
    try:
        loaded = load(policy_path(config.get(POLICY.name), project_root()))
        declared = declare(
            loaded,
            StackSecrets(),
            owner=config.get(OWNER.name),
            provider_settings=ProviderSettings.from_config(pulumi.Config("github")),
        )
    except DiagnosticError as error:
        raise pulumi.RunError("\n".join(error.lines())) from None
    except RepoconfError as error:
        raise pulumi.RunError(str(error)) from None
    export_summary(declared)

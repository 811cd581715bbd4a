"""Pulumi stack entry point (``Pulumi.yaml``: ``main: infra/``).

A thin composition root: read the stack's config, load the policy through the loader, declare the
repositories with the stack's secrets, export a summary. Problems in the policy, a missing secret or an
unknown reviewer end the run with located one-line errors (``pulumi.RunError``: no traceback).
"""

from __future__ import annotations

import pulumi

from infra.policy.diagnostics import PolicyError
from infra.policy.loader import DEFAULT_POLICY, load
from infra.program import ProviderSettings, declare, export_summary
from infra.resources.errors import ProgramError
from infra.resources.secrets import StackSecrets


def main() -> None:
    """Run the program for the current stack."""
    config = pulumi.Config("repoconf")
    try:
        loaded = load(config.get("policy") or DEFAULT_POLICY)
        declared = declare(
            loaded,
            StackSecrets(),
            owner=config.get("owner"),
            provider_settings=ProviderSettings.from_config(pulumi.Config("github")),
        )
    except PolicyError as error:
        raise pulumi.RunError("\n".join(d.format() for d in error.diagnostics)) from None
    except ProgramError as error:
        raise pulumi.RunError(str(error)) from None
    export_summary(declared)


main()

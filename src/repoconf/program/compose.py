"""The Pulumi program's composition: policy in, one component per repository out.

Used by the stack entry point (``infra/__main__.py``) with the stack's secrets, and by
``repoconf render`` under Pulumi's mocks with placeholder secrets: the same code path declares the
resources in both.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_github as github

from repoconf.policy.loader import LoadedPolicy
from repoconf.program.directory import Directory, ReviewerIds
from repoconf.program.repository import Repository
from repoconf.program.secrets import SecretValues, resolve

PROVIDER_NAME = "github"


@dataclass(frozen=True)
class ProviderSettings:
    """Provider arguments from the stack's ``github:*`` config.

    Only Pulumi's default provider reads that namespace; repoconf's provider is explicit (its owner comes
    from the policy), so the settings people set there are passed on here.
    """

    base_url: str | None = None
    write_delay_ms: int | None = None
    read_delay_ms: int | None = None
    max_retries: int | None = None
    parallel_requests: bool | None = None
    token: pulumi.Output[str] | None = None

    @classmethod
    def from_config(cls, config: pulumi.Config) -> ProviderSettings:
        """Read ``github:baseUrl``, ``writeDelayMs``, ``readDelayMs``, ``maxRetries``,
        ``parallelRequests`` and the secret ``github:token``.
        """
        return cls(
            base_url=config.get("baseUrl"),
            write_delay_ms=config.get_int("writeDelayMs"),
            read_delay_ms=config.get_int("readDelayMs"),
            max_retries=config.get_int("maxRetries"),
            parallel_requests=config.get_bool("parallelRequests"),
            token=config.get_secret("token"),
        )


@dataclass(frozen=True)
class Declared:
    """What the program declared: one component per repository."""

    repositories: dict[str, Repository]


def declare(
    loaded: LoadedPolicy,
    secret_values: SecretValues,
    repositories: set[str] | None = None,
    owner: str | None = None,
    reviewer_ids: ReviewerIds | None = None,
    provider_settings: ProviderSettings | None = None,
) -> Declared:
    """Declare every repository of the policy (or those named in ``repositories``).

    ``owner`` overrides the policy's owner (a stack pointing at a sandbox organization);
    ``reviewer_ids`` carries resolved ids over from an earlier call (a render in slices);
    ``provider_settings`` come from the stack's ``github:*`` config. Secrets and
    reviewers are resolved first: a missing secret value or an unknown reviewer raises
    :class:`~repoconf.program.errors.ProgramError` before any GitHub resource is declared.
    """
    policy = loaded.policy
    update: dict[str, object] = {}
    if repositories is not None:
        update["repositories"] = {k: v for k, v in policy.repositories.items() if k in repositories}
    if owner:
        update["owner"] = owner
    if update:
        policy = policy.model_copy(update=update)
        loaded = LoadedPolicy(policy, loaded.source, loaded.origins)
    secrets = resolve(loaded, secret_values)
    extra = provider_settings or ProviderSettings()
    provider = github.Provider(
        PROVIDER_NAME,
        owner=policy.owner,
        base_url=extra.base_url,
        write_delay_ms=extra.write_delay_ms,
        read_delay_ms=extra.read_delay_ms,
        max_retries=extra.max_retries,
        parallel_requests=extra.parallel_requests,
        token=extra.token,
    )
    directory = Directory(provider, reviewer_ids or ReviewerIds())
    directory.resolve_all(loaded)
    components = {
        name: Repository(name, policy.owner, settings, provider, directory, secrets)
        for name, settings in policy.repositories.items()
    }
    return Declared(components)


def export_summary(declared: Declared) -> None:
    """Stack outputs: per repository, the environments it declares."""
    pulumi.export(
        "repositories",
        {name: sorted(component.environments) for name, component in declared.repositories.items()},
    )

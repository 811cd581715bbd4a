"""The Pulumi program's composition: policy in, one component per repository out.

Used by the stack entry point (``infra/__main__.py``) with the stack's secrets, and by
``repoconf render`` under Pulumi's mocks with placeholder secrets: the same code path declares the
resources in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_github as github

from repoconf.errors import Severity
from repoconf.policy.checks import run_checks
from repoconf.policy.loader import LoadedPolicy
from repoconf.program import logical_names
from repoconf.program.directory import Directory, ReviewerIds
from repoconf.program.errors import ProgramError, StackConfigError
from repoconf.program.repository import Repository
from repoconf.program.secrets import SecretValues, resolve

PROVIDER_NAME = "github"


# Every `github:*` key a stack may set (the provider's configuration: pulumi-github's Provider arguments)
# and how it is read. Pulumi's default provider reads that namespace by itself; repoconf's provider is
# explicit (its owner comes from the policy), so each key is passed on here, or it would be ignored.
PROVIDER_KEYS: dict[str, tuple[str, str]] = {
    "baseUrl": ("base_url", "string"),
    "insecure": ("insecure", "boolean"),
    "maxPerPage": ("max_per_page", "integer"),
    "maxRetries": ("max_retries", "integer"),
    "parallelRequests": ("parallel_requests", "boolean"),
    "readDelayMs": ("read_delay_ms", "integer"),
    "retryDelayMs": ("retry_delay_ms", "integer"),
    "retryableErrors": ("retryable_errors", "integer list"),
    "writeDelayMs": ("write_delay_ms", "integer"),
    "token": ("token", "secret"),
    "appAuth": ("app_auth", "GitHub App"),
}
APP_AUTH_FIELDS = {"id": "id", "installationId": "installation_id", "pemFile": "pem_file"}


@dataclass(frozen=True)
class ProviderSettings:
    """Provider arguments from the stack's ``github:*`` config (:data:`PROVIDER_KEYS`)."""

    arguments: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: pulumi.Config) -> ProviderSettings:
        """Read every key of :data:`PROVIDER_KEYS` that the stack sets; a value of the wrong type, or a
        GitHub App key that is not encrypted, is a :class:`StackConfigError`.
        """
        arguments: dict[str, Any] = {}
        for key, (argument, kind) in PROVIDER_KEYS.items():
            if pulumi.runtime.get_config(config.full_key(key)) is None:
                continue
            try:
                arguments[argument] = _read(config, key, kind)
            except pulumi.ConfigTypeError:
                raise StackConfigError(
                    f"stack config {config.full_key(key)}: expected {kind_article(kind)}"
                ) from None
        return cls(arguments)


def kind_article(kind: str) -> str:
    """``integer`` → ``an integer``."""
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def _read(config: pulumi.Config, key: str, kind: str) -> Any:
    if kind == "string":
        return config.get(key)
    if kind == "boolean":
        return config.get_bool(key)
    if kind == "integer":
        return config.get_int(key)
    if kind == "integer list":
        values = config.get_object(key)
        if not isinstance(values, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in values
        ):
            raise pulumi.ConfigTypeError(config.full_key(key), str(values), "list of integers")
        return values
    if kind == "secret":
        return config.get_secret(key)
    # `pulumi config set --path github:appAuth.pemFile --secret ...` makes the whole key secret
    if not pulumi.runtime.is_config_secret(config.full_key(key)):
        raise StackConfigError(
            f"stack config {config.full_key(key)} holds a GitHub App private key unencrypted: set it with "
            "`pulumi config set --secret --path github:appAuth.pemFile < key.pem`"
        )
    app = config.get_object(key)
    if not isinstance(app, dict) or set(app) != set(APP_AUTH_FIELDS):
        raise StackConfigError(
            f"stack config {config.full_key(key)}: expected {{id, installationId, pemFile}} (set each with "
            "`pulumi config set --path github:appAuth.<field>`)"
        )
    return pulumi.Output.secret({argument: str(app[name]) for name, argument in APP_AUTH_FIELDS.items()})


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
    # `pulumi up` deploys what `repoconf validate` accepts and nothing else: a policy validate refuses
    # (prevent_self_review without reviewers, more than six reviewers) would apply as something GitHub
    # does not keep, and every later audit would report it as drift.
    refused = [
        loaded.diagnose(name, problem, "resource-names")
        for name, settings in policy.repositories.items()
        for problem in logical_names.collisions(name, settings)
    ] + [diagnostic for diagnostic in run_checks(loaded) if diagnostic.severity is Severity.ERROR]
    if refused:
        raise ProgramError(refused)
    secrets = resolve(loaded, secret_values)
    extra = provider_settings or ProviderSettings()
    arguments = dict(extra.arguments)
    if policy.github.custom and "base_url" not in arguments:  # the stack's github:baseUrl wins
        arguments["base_url"] = policy.github.api_url + "/"
    provider = github.Provider(PROVIDER_NAME, owner=policy.owner, **arguments)
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

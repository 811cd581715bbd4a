"""Secret values: where they come from, checked before anything is declared.

A ``{config: KEY}`` source reads the stack's secret config ``KEY`` in the project's namespace
(:mod:`repoconf.project`); an ``{env: VAR}`` source
reads the environment. Both become Pulumi secret outputs, so the engine encrypts them in state and masks
them in logs. An ``{external: true}`` secret is never read: the program declares nothing for it. A
source without a value fails the whole run up front, naming secret, repository and source, so nothing
is half-applied.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import pulumi

from repoconf.policy.diagnostics import Diagnostic, Problem
from repoconf.policy.loader import LoadedPolicy
from repoconf.policy.model import ConfigSource, EnvSource, held_by_stack
from repoconf.program.errors import ProgramError

SecretKey = tuple[str, str | None, str]
"""(repository, environment or None for a repository secret, secret name)."""


class SecretValues(Protocol):
    """Reads a secret source; None when the source has no value."""

    def read(self, source: ConfigSource | EnvSource) -> pulumi.Output[str] | None:
        """The value as a secret output, or None; :class:`PlaintextConfig` for an unencrypted value."""
        ...


class PlaintextConfig(Exception):
    """A ``{config: KEY}`` source whose stack config value is stored unencrypted."""


class StackSecrets:
    """Deploy-time values: the stack's secret config and the process environment."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._config = pulumi.Config()  # the project's namespace: repoconf.project
        self._environ = os.environ if environ is None else environ

    def read(self, source: ConfigSource | EnvSource) -> pulumi.Output[str] | None:
        """Read the source; empty values count as missing (GitHub refuses empty secrets). A config value
        that is not a Pulumi secret (`pulumi config set` without ``--secret`` writes it in clear into
        ``Pulumi.<stack>.yaml``) raises :class:`PlaintextConfig`: it is never used.
        """
        if isinstance(source, ConfigSource):
            value = self._config.get(source.config)
            if value and not pulumi.runtime.is_config_secret(self._config.full_key(source.config)):
                raise PlaintextConfig(source.config)
        else:
            value = self._environ.get(source.env)
        return pulumi.Output.secret(value) if value else None


class PlaceholderSecrets:
    """Render-time values: no source is read; every secret is an opaque secret output."""

    def read(self, source: ConfigSource | EnvSource) -> pulumi.Output[str] | None:
        """A secret output that never holds a real value."""
        return pulumi.Output.secret("[secret]")


@dataclass(frozen=True)
class ResolvedSecrets:
    """Every secret of the policy, as a secret output."""

    values: dict[SecretKey, pulumi.Output[str]]

    def get(self, repository: str, environment: str | None, name: str) -> pulumi.Output[str]:
        """The value of one secret."""
        return self.values[(repository, environment, name)]


def resolve(loaded: LoadedPolicy, reader: SecretValues) -> ResolvedSecrets:
    """Read every secret source of every repository; raise :class:`ProgramError` listing each gap."""
    values: dict[SecretKey, pulumi.Output[str]] = {}
    missing: list[Diagnostic] = []
    for repository, settings in loaded.policy.repositories.items():
        scopes: list[tuple[str | None, dict[str, ConfigSource | EnvSource]]] = [
            (None, held_by_stack(settings.secrets))
        ]
        scopes += [(name, held_by_stack(env.secrets)) for name, env in settings.environments.items()]
        for environment, secrets in scopes:
            for name, source in secrets.items():
                path = (
                    ("secrets", name)
                    if environment is None
                    else ("environments", environment, "secrets", name)
                )
                where = "" if environment is None else f" (environment {environment!r})"
                try:
                    value = reader.read(source)
                except PlaintextConfig as plain:
                    message = (
                        f"secret {name!r} of repository {repository!r}{where} reads {source.describe()}, "
                        "which is stored unencrypted in the stack's settings file: set it again with "
                        f"`pulumi config set --secret {plain} VALUE` (and rotate the value if that file "
                        "was ever committed)"
                    )
                    missing.append(loaded.diagnose(repository, Problem(path, message), "secret-values"))
                    continue
                if value is not None:
                    values[(repository, environment, name)] = value
                    continue
                fix = (
                    f"pulumi config set --secret {source.config} VALUE"
                    if isinstance(source, ConfigSource)
                    else f"export {source.env}=VALUE before running pulumi"
                )
                message = (
                    f"secret {name!r} of repository "
                    f"{repository!r}{where} has no value: {source.describe()} is not set ({fix})"
                )
                missing.append(loaded.diagnose(repository, Problem(path, message), "secret-values"))
    if missing:
        raise ProgramError(missing)
    return ResolvedSecrets(values)

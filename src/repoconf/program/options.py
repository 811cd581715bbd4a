"""Resource options decided in one place: parent, provider, protect, import ids and dependencies.

- ``protect: true`` on an environment protects it and all its children (deployment policies, secrets,
  variables): a policy edit that drops them fails instead of deleting them.
- ``adopt: true`` on a repository imports what GitHub lets us name without a look-up: environments
  (``repo:env``) and classic branch protection (``repo:pattern``). Rulesets have numeric ids and
  deployment policies numeric ids too; docs/guide.md shows how to adopt those with ``pulumi import``.
- Everything that lives inside an environment depends on it explicitly, so it is created after it and
  deleted before it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from repoconf.policy.model import Environment, RepositorySettings


@dataclass(frozen=True)
class OptionPlanner:
    """Resource options for one repository's children."""

    repository: str
    settings: RepositorySettings
    provider: pulumi.ProviderResource

    def component(self) -> pulumi.ResourceOptions:
        """The repository component itself."""
        return pulumi.ResourceOptions(provider=self.provider)

    def environment(self, parent: pulumi.Resource, name: str, env: Environment) -> pulumi.ResourceOptions:
        """An environment: protected per policy, imported as ``repo:env`` when adopting."""
        return pulumi.ResourceOptions(
            parent=parent,
            provider=self.provider,
            protect=env.protect,
            import_=f"{self.repository}:{name}" if self.settings.adopt else None,
        )

    def environment_child(self, environment: pulumi.Resource, env: Environment) -> pulumi.ResourceOptions:
        """A deployment policy, secret or variable of an environment."""
        return pulumi.ResourceOptions(
            parent=environment,
            provider=self.provider,
            protect=env.protect,
            depends_on=[environment],
        )

    def repository_child(self, parent: pulumi.Resource) -> pulumi.ResourceOptions:
        """A repository secret or variable, or a ruleset."""
        return pulumi.ResourceOptions(parent=parent, provider=self.provider, protect=False)

    def classic_protection(self, parent: pulumi.Resource, pattern: str) -> pulumi.ResourceOptions:
        """Classic branch protection, imported as ``repo:pattern`` when adopting."""
        return pulumi.ResourceOptions(
            parent=parent,
            provider=self.provider,
            protect=False,
            import_=f"{self.repository}:{pattern}" if self.settings.adopt else None,
        )

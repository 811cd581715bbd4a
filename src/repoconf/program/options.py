"""Resource options decided in one place: parent, provider, protect, import ids and dependencies.

- ``protect: true`` on an environment protects it and all its children (deployment policies, secrets,
  variables): a policy edit that drops them fails instead of deleting them. On a branch rule or
  ``release_tags`` it protects the ruleset (or classic protection): security rules cannot vanish with an
  edit either.
- ``adopt: true`` on a repository imports what GitHub lets us name without a look-up: environments
  (``repo:env``) and classic branch protection (``repo:pattern``). Rulesets and deployment policies
  have numeric ids only GitHub knows: ``repoconf adopt`` reads them and writes a ``pulumi import --file``
  document for the whole repository.
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

    def repository_child(self, parent: pulumi.Resource, protect: bool = False) -> pulumi.ResourceOptions:
        """A repository secret or variable, or a ruleset (protected per its rule)."""
        return pulumi.ResourceOptions(parent=parent, provider=self.provider, protect=protect)

    def classic_protection(
        self, parent: pulumi.Resource, pattern: str, protect: bool
    ) -> pulumi.ResourceOptions:
        """Classic branch protection, protected per its rule, imported as ``repo:pattern`` when adopting."""
        return pulumi.ResourceOptions(
            parent=parent,
            provider=self.provider,
            protect=protect,
            import_=f"{self.repository}:{pattern}" if self.settings.adopt else None,
        )

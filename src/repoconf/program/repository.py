"""The ``repoconf:index:Repository`` component: one per repository of the policy."""

from __future__ import annotations

import pulumi
import pulumi_github as github

from repoconf.concepts import access
from repoconf.concepts.table import provider_inputs
from repoconf.policy.model import ProtectionEngine, RepositorySettings, held_by_stack
from repoconf.program import logical_names
from repoconf.program.directory import Directory
from repoconf.program.environment_resources import declare_environment
from repoconf.program.options import OptionPlanner
from repoconf.program.protection import (
    declare_branch_ruleset,
    declare_classic_protection,
    declare_release_tag_creation,
    declare_release_tags,
)
from repoconf.program.secrets import ResolvedSecrets

COMPONENT_TYPE = "repoconf:index:Repository"


class Repository(pulumi.ComponentResource):
    """A repository's environments, secrets, variables, branch rules and release-tag ruleset."""

    environments: dict[str, github.RepositoryEnvironment]

    def __init__(
        self,
        name: str,
        owner: str,
        settings: RepositorySettings,
        provider: pulumi.ProviderResource,
        directory: Directory,
        secrets: ResolvedSecrets,
    ) -> None:
        planner = OptionPlanner(name, settings, provider)
        super().__init__(COMPONENT_TYPE, name, None, planner.component())
        self.environments = {
            env_name: declare_environment(self, env_name, env, planner, directory, secrets)
            for env_name, env in settings.environments.items()
        }
        for secret in held_by_stack(settings.secrets):
            github.ActionsSecret(
                logical_names.repository_secret(name, secret),
                repository=name,
                secret_name=secret,
                value=secrets.get(name, None, secret),
                opts=planner.repository_child(self),
            )
        for variable, value in settings.variables.items():
            github.ActionsVariable(
                logical_names.repository_variable(name, variable),
                repository=name,
                variable_name=variable,
                value=value,
                opts=planner.repository_child(self),
            )
        if settings.protection_engine is ProtectionEngine.CLASSIC and settings.branches:
            node_id = github.get_repository_output(
                full_name=f"{owner}/{name}", opts=pulumi.InvokeOutputOptions(provider=provider)
            ).node_id
            for pattern, rule in settings.branches.items():
                declare_classic_protection(self, pattern, rule, node_id, planner)
        else:
            for pattern, rule in settings.branches.items():
                declare_branch_ruleset(self, pattern, rule, planner, directory)
        if settings.release_tags is not None:
            declare_release_tags(self, settings.release_tags, planner, directory)
            if settings.release_tags.created_by is not None:
                declare_release_tag_creation(self, settings.release_tags, planner, directory)
        for grant in access.grants(settings):
            github.TeamRepository(
                logical_names.team_access(name, grant.slug),
                team_id=str(directory.resolve("teams", grant.slug)),
                repository=name,
                **provider_inputs(access.TABLE, grant),
                opts=planner.repository_child(self),
            )
        self.register_outputs({"environments": list(self.environments)})

"""An environment and what lives in it: deployment policies, secrets and variables.

The environment's own inputs come from its settings table (:data:`repoconf.concepts.environments.TABLE`).
Its deployment policies, secrets and variables are child resources, one per pattern or name: each is
declared here by hand because a table row describes one input of one resource, not a resource per item.
"""

from __future__ import annotations

import pulumi
import pulumi_github as github

from repoconf.concepts import environments
from repoconf.concepts.table import provider_inputs
from repoconf.policy.model import Environment, held_by_stack
from repoconf.program import logical_names
from repoconf.program.directory import Directory
from repoconf.program.options import OptionPlanner
from repoconf.program.secrets import ResolvedSecrets


def declare_environment(
    parent: pulumi.Resource,
    name: str,
    env: Environment,
    planner: OptionPlanner,
    directory: Directory,
    secrets: ResolvedSecrets,
) -> github.RepositoryEnvironment:
    """Declare one environment with its deployment policies, secrets and variables."""
    repository = planner.repository
    environment = github.RepositoryEnvironment(
        logical_names.environment(repository, name),
        repository=repository,
        environment=name,
        **provider_inputs(environments.TABLE, env, directory.resolve),
        opts=planner.environment(parent, name, env),
    )
    child = planner.environment_child(environment, env)
    refs = env.deployment_refs
    if refs is not None and not refs.protected:
        for kind, patterns in (("branch", refs.branches or ()), ("tag", refs.tag_patterns())):
            for pattern in patterns:
                github.RepositoryEnvironmentDeploymentPolicy(
                    logical_names.deployment_policy(repository, name, kind, pattern),
                    repository=repository,
                    environment=environment.environment,
                    branch_pattern=pattern if kind == "branch" else None,
                    tag_pattern=pattern if kind == "tag" else None,
                    opts=child,
                )
    for secret in held_by_stack(env.secrets):
        github.ActionsEnvironmentSecret(
            logical_names.environment_secret(repository, name, secret),
            repository=repository,
            environment=environment.environment,
            secret_name=secret,
            value=secrets.get(repository, name, secret),
            opts=child,
        )
    for variable, value in env.variables.items():
        github.ActionsEnvironmentVariable(
            logical_names.environment_variable(repository, name, variable),
            repository=repository,
            environment=environment.environment,
            variable_name=variable,
            value=value,
            opts=child,
        )
    return environment

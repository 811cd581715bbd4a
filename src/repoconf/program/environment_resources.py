"""An environment and what lives in it: deployment policies, secrets and variables."""

from __future__ import annotations

import pulumi
import pulumi_github as github

from repoconf.policy.model import Environment, held_by_stack
from repoconf.program import logical_names
from repoconf.program.directory import Directory
from repoconf.program.options import OptionPlanner
from repoconf.program.secrets import ResolvedSecrets


def _branch_policy(env: Environment) -> github.RepositoryEnvironmentDeploymentBranchPolicyArgs | None:
    refs = env.deployment_refs
    if refs is None:
        return None
    return github.RepositoryEnvironmentDeploymentBranchPolicyArgs(
        protected_branches=bool(refs.protected), custom_branch_policies=not refs.protected
    )


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
    reviewers = None
    if env.reviewers is not None and env.reviewers.count:
        users, teams = directory.reviewer_ids(env.reviewers.users, env.reviewers.teams)
        reviewers = [github.RepositoryEnvironmentReviewerArgs(users=users, teams=teams)]
    environment = github.RepositoryEnvironment(
        logical_names.environment(repository, name),
        repository=repository,
        environment=name,
        wait_timer=env.wait_timer,
        reviewers=reviewers,
        prevent_self_review=env.prevent_self_review,
        # Explicit: the provider defaults to true, repoconf's policy default is false.
        can_admins_bypass=env.can_admins_bypass,
        deployment_branch_policy=_branch_policy(env),
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

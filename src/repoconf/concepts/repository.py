"""A repository's settings as a whole: which concept's table owns each field of the merged settings.

Every field of :class:`~repoconf.policy.model.RepositorySettings` is a GitHub concept with a settings table
(``environments``, ``secrets``, ``variables``, ``branches``, ``release_tags``), what the repository must
hold (``required_files``, checked on its default branch: no resource), the choice of table
(``protection_engine``), or a Pulumi option (``adopt``). tests/concepts/test_tables.py fails when a field
of a policy model is in no table, here or in :data:`NOT_SETTINGS`.
"""

from __future__ import annotations

from repoconf.concepts.table import Option

STRUCTURE = {
    "environments": "one environment per entry: repoconf.concepts.environments.TABLE",
    "secrets": "repository secrets: repoconf.concepts.secrets_variables.TABLE",
    "variables": "repository variables: repoconf.concepts.secrets_variables.TABLE",
    "branches": "one branch rule per pattern: repoconf.concepts.branches.RULESET_TABLE or CLASSIC_TABLE",
    "release_tags": "repoconf.concepts.release_tags.PROTECTION_TABLE and CREATION_TABLE",
    "access": "one team grant per team: repoconf.concepts.access.TABLE",
    "protection_engine": "which table (and resource) enforces the branch rules",
    "required_files": "what the default branch must hold: repoconf.concepts.content (no resource)",
}
"""The merged settings' fields and where each is mapped."""

OPTIONS = (Option("adopt", "Pulumi's `import` of existing environments and classic protections"),)

NOT_SETTINGS = {
    "PolicyDocument.version": "the file format's version",
    "PolicyDocument.owner": "whose repositories: the provider's owner and the audit's",
    "PolicyDocument.github": "which GitHub: the API's base URL",
    "PolicyDocument.defaults": "merged into each repository (its fields are RepositorySettings')",
    "PolicyDocument.repositories": "the repositories, each RepositorySettings",
    "PolicyDocument.selectors": "repositories chosen by rule, each a Selector",
    "Selector.match": "which of the owner's repositories the selector chooses",
    "Selector.settings": "what each chosen repository gets (its fields are RepositorySettings')",
    "RepositoryMatch.topics": "chooses repositories by topic (read, never set)",
    "RepositoryMatch.properties": "chooses repositories by custom property value (read, never set)",
    "RepositoryMatch.names": "chooses repositories by name pattern",
    "RepositoryMatch.exclude": "name patterns never chosen",
    "RepositoryMatch.archived": "whether archived repositories may be chosen",
    "RepositoryMatch.forks": "whether forks may be chosen",
    "GitHubHost.api_url": "the REST API's base URL",
    "Policy.owner": "the validated owner",
    "Policy.repositories": "the merged settings of each repository",
    "Policy.github": "the validated host",
    "ConfigSource.config": "where a secret's value comes from (never compared: values are unreadable)",
    "EnvSource.env": "where a secret's value comes from",
    "ExternalSource.external": "a secret set outside repoconf",
}
"""Fields of policy models that are no GitHub setting, and what they are."""

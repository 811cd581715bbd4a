"""A configuration repository as files: what ``repoconf new`` writes and ``repoconf new --check`` compares.

The repository repoconf itself ships (its ``infra/``, ``Pulumi*.yaml`` and three workflows) is one
instance of it, installing repoconf from its own checkout; a test keeps the two equal.
"""

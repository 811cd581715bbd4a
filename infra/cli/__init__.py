"""The `repoconf` command: a thin shell over the policy, the Pulumi program and the GitHub reader."""

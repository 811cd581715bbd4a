"""`repoconf audit` and `repoconf import`: live repositories against the policy."""

"""`repoconf audit`: live repositories compared with the policy, and the report."""

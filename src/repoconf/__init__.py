"""repoconf: GitHub repository settings for a gated Python release process, as code."""

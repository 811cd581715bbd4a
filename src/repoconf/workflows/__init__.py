"""Workflows repoconf writes for the repositories it configures."""

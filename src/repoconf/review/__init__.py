"""Reviewing a policy change: the change in policy terms, weakened gates flagged (`repoconf diff`)."""

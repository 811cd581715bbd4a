"""What a managed repository holds now: its settings read from GitHub's REST API, or its files read from
a local checkout, as the concepts' live views. Used by the audit, `repoconf import` and adopt.
"""

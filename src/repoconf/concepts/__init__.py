"""One module per GitHub concept the policy manages: the policy → view and the live REST → view
mappings side by side, so that a field means the same on both sides (otterdog's one-file-per-concept
idea, without its I/O). Views are plain JSON values: the audit compares them, `repoconf import` writes
policies from them, and findings carry them as ``expected`` and ``actual``.

Nothing here performs I/O: the audit reads GitHub and hands the raw responses to these functions.
"""

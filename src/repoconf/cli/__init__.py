"""The `repoconf` command: argparse and the one error boundary in :mod:`repoconf.cli.main`, one typed
function per command in :mod:`repoconf.cli.commands`.
"""

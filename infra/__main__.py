"""Pulumi stack entry point (``Pulumi.yaml``: ``main: infra/``): the program is the installed repoconf."""

from repoconf.program.stack import run

run()

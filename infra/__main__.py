"""Pulumi stack entry point (``Pulumi.yaml``: ``main: infra/``): the program is the installed repoconf."""

from repoconf.stack import run

run()

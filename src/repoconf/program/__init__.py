"""The Pulumi program's resources: one component per repository and its children."""

"""What the repository's own workflows run besides validate, render and audit."""

"""Stand-ins for the systems repoconf talks to, served on 127.0.0.1 for the tests and the benchmarks.

Not part of the installed package: tests and ``bench/`` import it from the repository root.
"""

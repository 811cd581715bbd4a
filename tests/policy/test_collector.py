"""The loader pauses Python's cyclic collector while it builds, and freezes what it built only where the
process asked for it: a library caller's heap (this test session) is never frozen."""

from __future__ import annotations

import gc
import subprocess
import sys

from repoconf.policy.loader import load_text

POLICY = "version: 1\nowner: acme\nrepositories:\n  widgets: {}\n"


def test_a_load_in_a_library_caller_freezes_nothing_and_restores_the_collector() -> None:
    before = gc.get_freeze_count()
    load_text(POLICY, "p.yaml")
    assert gc.get_freeze_count() == before
    assert gc.isenabled()
    gc.disable()
    try:
        load_text(POLICY, "p.yaml")
        assert not gc.isenabled()  # a caller that turned it off keeps it off
    finally:
        gc.enable()


def test_the_console_script_freezes_what_a_load_built() -> None:
    script = (
        "import gc\n"
        "from repoconf.policy.loader import freeze_after_load, load_text\n"
        "freeze_after_load()\n"
        f"load_text({POLICY!r}, 'p.yaml')\n"
        "print(gc.get_freeze_count() > 0, gc.isenabled())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True"]

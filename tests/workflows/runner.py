"""Run generated workflows the way GitHub does, as far as the tests need: the job graph and single steps.

- :func:`simulate` evaluates each job's ``needs`` and ``if`` as GitHub Actions does: a job whose ``if``
  has no status function runs only when every job it needs succeeded (``success()`` is implied; a
  skipped job is not a success); ``!cancelled()``, ``always()``, ``success()`` and ``failure()`` are
  evaluated over the needed jobs' results. A job named in ``fail`` runs and fails (a rejected approval,
  a failed upload).
- :func:`run_step` runs one step as the runner does: ``shell: python`` writes the script to a file and
  runs ``python FILE``; other steps run with ``bash -e``; the step's ``env`` has its expressions replaced
  by the values the test gives (an expression left over is a test error).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from repoconf.cli.main import main

STATUS_FUNCTIONS = re.compile(r"\b(?:always|cancelled|success|failure)\(\)")


def generate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``repoconf workflow ARGV``: exit code, stdout, stderr."""
    code = main(["workflow", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def load(text: str) -> dict[str, Any]:
    """A workflow as GitHub reads it (``on`` a string, which PyYAML's YAML 1.1 reads as true)."""
    document = yaml.safe_load(text)
    assert isinstance(document, dict)
    return {("on" if key is True else key): value for key, value in document.items()}


def _needs(job: dict[str, Any]) -> list[str]:
    needs = job.get("needs", [])
    return [needs] if isinstance(needs, str) else list(needs)


def _evaluate(expression: str, needed: list[str], results: dict[str, str], outputs: dict[str, Any]) -> bool:
    """The subset of the Actions expression language the workflow uses, as Python."""
    text = expression.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]

    def context(match: re.Match[str]) -> str:
        job, kind, name = match.group(1), match.group(2), match.group(3)
        value = results.get(job, "") if kind == "result" else outputs.get(job, {}).get(name or "", "")
        return repr(value)

    text = re.sub(r"needs\.([\w-]+)\.(result|outputs)(?:\.([\w-]+))?", context, text)
    functions = {
        "cancelled()": "False",
        "always()": "True",
        "success()": str(all(results[need] == "success" for need in needed)),
        "failure()": str(any(results[need] == "failure" for need in needed)),
    }
    for call, value in functions.items():
        text = text.replace(call, value)
    text = text.replace("&&", " and ").replace("||", " or ").replace("!", " not ").replace("not =", "!=")
    text = text.replace("'", '"')
    assert re.fullmatch(r'[\sA-Za-z0-9_"()=!.-]*', text), f"unexpected expression: {expression}"
    return bool(eval(text, {"__builtins__": {}}, {}))  # noqa: S307 - a checked subset


def simulate(
    document: dict[str, Any], outputs: dict[str, Any], fail: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Each job's result (success, failure or skipped), in an order GitHub could run them."""
    jobs: dict[str, dict[str, Any]] = document["jobs"]
    results: dict[str, str] = {}
    while len(results) < len(jobs):
        ready = [
            name
            for name, job in jobs.items()
            if name not in results and all(need in results for need in _needs(job))
        ]
        assert ready, f"a cycle in needs: {set(jobs) - set(results)}"
        for name in ready:
            job = jobs[name]
            needed = _needs(job)
            condition = str(job.get("if", "true"))
            if not STATUS_FUNCTIONS.search(condition):
                condition = f"success() && ({condition})" if condition != "true" else "success()"
            runs = _evaluate(condition, needed, results, outputs)
            results[name] = ("failure" if name in fail else "success") if runs else "skipped"
    return results


def ran(results: dict[str, str]) -> list[str]:
    """The jobs that ran, in order."""
    return [name for name, result in results.items() if result != "skipped"]


def step_env(step: dict[str, Any], values: dict[str, str]) -> dict[str, str]:
    """The step's ``env`` with each expression replaced by its value from ``values``."""
    env: dict[str, str] = {}
    for name, raw in step.get("env", {}).items():
        text = str(raw)
        for expression, value in values.items():
            text = text.replace(expression, value)
        assert "${{" not in text, f"no value given for {text!r} ({name})"
        env[name] = text
    return env


def run_step(
    step: dict[str, Any],
    cwd: Path,
    env: dict[str, str],
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run one step as the runner runs it, with ``env`` (plus PATH, with this Python first)."""
    environment = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", **env}
    if step.get("shell") == "python":
        script = cwd / "step-script.py"
        script.write_text(step["run"])
        command = ["python", str(script)]
    else:
        command = ["bash", "-e", "-c", step["run"]]
    return subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, check=False, timeout=timeout
    )

"""The baseline for `bench.render`: a bare Pulumi program declaring the same resources, no repoconf program.

It reads a `repoconf render --format json` document and declares every resource in it with
pulumi_github's own classes (the type token names the class; inputs go in as the keyword arguments the
class takes, secrets as secret outputs; parent, provider, protect, import and depends_on as resource
options), in one process, under the same mocks as render (`RenderMocks`, answered by Pulumi's own
`MockMonitor`). It is the cheapest honest version of such a program: the inputs are literals (no outputs
wired between resources, no look-ups), and the mock plumbing gets render's one executor thread. What a
stock program pays stays: the SDK's stack capture on every registration and, unless `--no-gc`, the
cyclic garbage collector.

Run as `python -m bench.bare RENDER.json [--no-gc] [--check]`; it prints one JSON line: the seconds and
CPU seconds of the declarations alone (interpreter start, imports and reading the document excluded)
and the number of resources. `--check` records the declarations instead and fails unless they equal
the document's, input for input.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pulumi
import pulumi_github as github
from pulumi.runtime.mocks import MockMonitor

from repoconf.render.mocks import SECRET_MASK, RecordingMonitor, RenderMocks

PROVIDER = "pulumi:providers:github"


class Component(pulumi.ComponentResource):
    """A component of the same type token as render's, holding nothing of its own."""

    def __init__(self, token: str, name: str, opts: pulumi.ResourceOptions) -> None:
        super().__init__(token, name, None, opts)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _argument(value: Any) -> Any:
    """A wire value as a Python input: dict keys in snake case, ``[secret]`` a secret output."""
    if value == SECRET_MASK:
        return pulumi.Output.secret(SECRET_MASK)
    if isinstance(value, dict):
        return {_snake(key): _argument(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_argument(item) for item in value]
    return value


def declare(resources: list[dict[str, Any]]) -> None:
    """Declare every resource of the document, parents and dependencies before what needs them."""
    made: dict[str, pulumi.Resource] = {}
    provider: pulumi.ProviderResource | None = None
    pending = list(resources)
    while pending:
        waiting = []
        for resource in pending:
            needs = [resource["parent"], *resource["options"]["depends_on"]]
            if any(name is not None and name not in made for name in needs):
                waiting.append(resource)
                continue
            token, name, options = resource["type"], resource["name"], resource["options"]
            opts = pulumi.ResourceOptions(
                parent=made[resource["parent"]] if resource["parent"] else None,
                provider=provider,
                protect=options["protect"],
                import_=options["import"],
                depends_on=[made[n] for n in options["depends_on"]] or None,
            )
            arguments = {_snake(key): _argument(value) for key, value in resource["inputs"].items()}
            if token == PROVIDER:
                provider = github.Provider(name, **arguments)
                made[name] = provider
            elif token.startswith("github:"):
                made[name] = getattr(github, token.rsplit(":", 1)[1])(name, opts=opts, **arguments)
            else:
                made[name] = Component(token, name, opts)
        if len(waiting) == len(pending):
            sys.exit(f"cannot order: {[r['name'] for r in waiting][:5]}")
        pending = waiting


def run(resources: list[dict[str, Any]], monitor: MockMonitor, mocks: RenderMocks) -> None:
    """Declare ``resources`` under the mocks, as a Pulumi unit test runs a program."""
    loop = asyncio.new_event_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=1))
    asyncio.set_event_loop(loop)
    try:
        pulumi.runtime.set_mocks(mocks, project="bare", stack="bench", preview=True, monitor=monitor)
        pulumi.runtime.test(lambda: declare(resources))()  # type: ignore[no-untyped-call]
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        asyncio.set_event_loop(None)
        loop.close()


def main() -> None:
    """Declare the document's resources; print the time they took (or check them)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("document", type=Path)
    parser.add_argument("--no-gc", action="store_true", help="turn the cyclic garbage collector off")
    parser.add_argument("--check", action="store_true", help="compare the declarations with the document")
    args = parser.parse_args()
    resources = json.loads(args.document.read_text(encoding="utf-8"))["resources"]
    mocks = RenderMocks()
    if args.check:
        recorder = RecordingMonitor(mocks)
        run(resources, recorder, mocks)
        recorder.close()
        declared = {
            d.name: (d.type, d.parent, d.inputs, d.protect, d.import_id, d.depends_on)
            for d in recorder.declarations
        }
        expected = {
            r["name"]: (
                r["type"],
                r["parent"],
                r["inputs"],
                r["options"]["protect"],
                r["options"]["import"],
                r["options"]["depends_on"],
            )
            for r in resources
        }
        different = [name for name in expected if declared.get(name) != expected[name]]
        if different or set(declared) != set(expected):
            name = (different or sorted(set(declared) ^ set(expected)))[0]
            sys.exit(f"bare program differs at {name}: {declared.get(name)} != {expected.get(name)}")
        print(json.dumps({"resources": len(declared), "checked": True}))
        return
    if args.no_gc:
        gc.disable()
    start, cpu = time.perf_counter(), time.process_time()
    run(resources, MockMonitor(mocks), mocks)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"resources": len(resources), "seconds": seconds, "cpu_seconds": cpu_seconds}))


if __name__ == "__main__":
    main()

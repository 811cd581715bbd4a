"""Release step: whether a release candidate of this version passed `production-release`.

The release guide uses candidates "for significant changes" only, so a production tag may come with or
without one. When a candidate ``TAG-rcN`` (N of one or two digits, as ``{versions: candidate}``) has a
successful deployment to ``ENVIRONMENT`` (``production-release``: QA and the release managers approved
it and its wait ran), the production tag goes straight to its GitHub release and ``production-deploy``;
otherwise it passes ``qa`` and ``production-release`` itself first.

Asks GitHub's Deployments API with the job's ``GITHUB_TOKEN`` (``deployments: read``):
``GET /repos/{repo}/deployments?environment=ENVIRONMENT`` (every page, following ``Link: rel="next"``
on the same host) and, for each deployment of a candidate ref, ``GET .../deployments/{id}/statuses``
until one is ``success``. An Actions job bound to an environment records a deployment whose status turns
``success`` when the job succeeds. Writes ``approved=true|false`` and ``candidate=TAG-rcN`` to
``GITHUB_OUTPUT``. Any answer it cannot use fails closed: ``approved=false`` with a warning, so the
approvals run again rather than being skipped.
"""

import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

PAGE_SIZE = 100
MAX_PAGES = 50
LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


class Unusable(Exception):
    """An answer the step cannot use; its text is one line and never holds the token."""


def get(url: str, token: str) -> tuple[Any, str | None]:
    """The JSON body of ``url`` and the next page's URL, if any."""
    request = urllib.request.Request(  # noqa: S310 - the Actions API URL
        url,
        headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {token}",
            "X-GitHub-Api-Version": "2022-11-28",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            body = json.loads(answer.read().decode("utf-8"))
            link = answer.headers.get("Link") or ""
    except urllib.error.HTTPError as error:
        raise Unusable(f"GET {urllib.parse.urlsplit(url).path}: HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise Unusable(f"GET {urllib.parse.urlsplit(url).path}: {getattr(error, 'reason', error)}") from None
    match = LINK_NEXT.search(link)
    following = match.group(1) if match else None
    if following and urllib.parse.urlsplit(following).netloc != urllib.parse.urlsplit(url).netloc:
        raise Unusable(f"GET {urllib.parse.urlsplit(url).path}: the next page is on another host")
    return body, following


def pages(url: str, token: str) -> list[Any]:
    """Every item of a paginated listing (a JSON array per page)."""
    items: list[Any] = []
    next_url: str | None = url
    for _ in range(MAX_PAGES):
        if next_url is None:
            return items
        body, next_url = get(next_url, token)
        if not isinstance(body, list):
            raise Unusable(f"GET {urllib.parse.urlsplit(url).path}: expected a list")
        items.extend(body)
    raise Unusable(f"GET {urllib.parse.urlsplit(url).path}: more than {MAX_PAGES} pages")


def approved_candidate(api: str, repository: str, tag: str, environment: str, token: str) -> str | None:
    """The newest candidate of ``tag`` with a successful deployment to ``environment``, or None."""
    candidate = re.compile(rf"(?:refs/tags/)?({re.escape(tag)}-rc[0-9]{{1,2}})")
    query = urllib.parse.urlencode({"environment": environment, "per_page": PAGE_SIZE})
    base = f"{api.rstrip('/')}/repos/{repository}"
    for deployment in pages(f"{base}/deployments?{query}", token):  # newest first
        if not isinstance(deployment, dict):
            raise Unusable("GET /deployments: an item is not an object")
        match = candidate.fullmatch(str(deployment.get("ref", "")))
        if match is None or deployment.get("environment") != environment:
            continue
        statuses = f"{base}/deployments/{int(deployment['id'])}/statuses?per_page={PAGE_SIZE}"
        if any(isinstance(s, dict) and s.get("state") == "success" for s in pages(statuses, token)):
            return match.group(1)
    return None


def main() -> None:
    """Write the verdict to GITHUB_OUTPUT."""
    tag, environment = os.environ.get("TAG", ""), os.environ.get("ENVIRONMENT", "production-release")
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com")
    repository, token = os.environ.get("GITHUB_REPOSITORY", ""), os.environ.get("GH_TOKEN", "")
    if not tag or not repository or not token:
        print("::error::TAG, GITHUB_REPOSITORY and GH_TOKEN must be set")
        sys.exit(1)
    try:
        found = approved_candidate(api, repository, tag, environment, token)
    except (Unusable, KeyError, TypeError, ValueError) as error:
        print(
            f"::warning::could not read the deployments of {environment} ({error}): {tag} passes qa and "
            f"{environment} itself (give the job `deployments: read`)"
        )
        found = None
    if found:
        print(f"{found} passed {environment}: {tag} goes to its release and production-deploy")
    else:
        print(f"no candidate of {tag} passed {environment}: {tag} passes qa and {environment} first")
    with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
        output.write(f"approved={'true' if found else 'false'}\ncandidate={found or ''}\n")


if __name__ == "__main__":
    main()

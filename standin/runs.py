"""The stand-in's Actions runs, their review history, commits, refs and tags (the approved-candidate check).

Served from GitHub's own examples (``reference/``, held to their shapes by tests/github/test_standin.py),
with a small commit graph behind them, as GitHub documents:

- ``GET /repos/{o}/{r}/actions/runs`` and ``.../actions/workflows/{id or file name}/runs``: newest first,
  paginated under ``workflow_runs``, filtered by ``event``, ``branch`` (the run's ``head_branch``),
  ``status`` (a status or a conclusion) and ``head_sha``;
- ``GET .../actions/runs/{id}`` and ``.../actions/runs/{id}/approvals`` (the review history: ``state``,
  ``environments``, ``user``);
- ``GET .../compare/{base}...{head}``: ``status`` ahead / behind / identical / diverged against the merge
  base, ``ahead_by``/``behind_by``, the commits, and the changed files with their unified-diff ``patch``;
- ``GET .../git/ref/{ref}`` and ``.../git/tags/{sha}`` (a lightweight tag points at its commit, an annotated
  one at a tag object).

A private repository answers 403 "Resource not accessible by integration" when the workflow token's
permissions (:attr:`Actions.token_permissions`, as a job's ``permissions:`` block sets them; unset means a
token that may read everything) lack ``actions: read`` for runs or ``contents: read`` for commits, refs and
tags; a public repository's reads need neither.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import weakref
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from standin import github

PREFIXES = ("/actions/runs", "/actions/workflows/", "/compare/", "/git/ref/", "/git/tags/")
"""Repository paths this module answers (the router's hook)."""
RELEASE_WORKFLOW = ".github/workflows/release.yaml"


@dataclass
class Commit:
    """A commit: its parent and the whole tree's files."""

    sha: str
    parent: str | None
    files: dict[str, str]
    message: str


@dataclass
class Actions:
    """One repository's runs, reviews and git objects."""

    owner: str
    name: str
    commits: dict[str, Commit] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    """``tags/NAME`` or ``heads/NAME`` → a commit's or a tag object's sha."""
    tag_objects: dict[str, tuple[str, str]] = field(default_factory=dict)
    """An annotated tag's sha → (tag name, commit sha)."""
    runs: list[dict[str, Any]] = field(default_factory=list)
    """Run objects as "Get a workflow run" returns them, oldest first."""
    reviews: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    token_permissions: dict[str, str] | None = None
    """The workflow token's permissions (a job's ``permissions:`` block); None: a token that reads all."""

    # -- set-up ---------------------------------------------------------------------------------

    def commit(self, files: dict[str, str], parent: str | None = None, message: str = "change") -> str:
        """A new commit holding ``files`` (the whole tree) on top of ``parent``; its sha."""
        sha = hashlib.sha1(  # noqa: S324 - a git-like object id, not security
            json.dumps([parent, sorted(files.items()), message, len(self.commits)]).encode()
        ).hexdigest()
        self.commits[sha] = Commit(sha, parent, dict(files), message)
        return sha

    def tag(self, name: str, sha: str, annotated: bool = False) -> str:
        """Point tag ``name`` at commit ``sha`` (again: the tag moves); the ref's object sha."""
        target = sha
        if annotated:
            target = hashlib.sha1(f"tag {name} {sha}".encode()).hexdigest()  # noqa: S324
            self.tag_objects[target] = (name, sha)
        self.refs[f"tags/{name}"] = target
        return target

    def run(
        self,
        head_branch: str,
        head_sha: str,
        *,
        path: str = RELEASE_WORKFLOW,
        event: str = "push",
        status: str = "completed",
        conclusion: str | None = "success",
    ) -> dict[str, Any]:
        """A workflow run (GitHub's example, with these values)."""
        run_id = 30433642 + len(self.runs)
        base = f"https://api.github.com/repos/{self.owner}/{self.name}"
        bare = path.rsplit("@", 1)[0].split("/.github/", 1)[-1]
        workflow_id = github._id("workflow:" + bare.rsplit("/", 1)[-1])
        text = (
            github._reference_text("GET_repos_OWNER_REPO_actions_runs_RUN_ID")
            .replace("octocat/Hello-World", f"{self.owner}/{self.name}")
            .replace("octo-org/octo-repo", f"{self.owner}/{self.name}")
        )
        found: dict[str, Any] = json.loads(text)
        commit = self.commits[head_sha]
        found.update(
            id=run_id,
            name="release",
            node_id=f"WFR_kwLOA{run_id}",
            head_branch=head_branch,
            head_sha=head_sha,
            path=path,
            run_number=len(self.runs) + 1,
            event=event,
            display_title=head_branch,
            status=status,
            conclusion=conclusion,
            workflow_id=workflow_id,
            url=f"{base}/actions/runs/{run_id}",
            html_url=f"https://github.com/{self.owner}/{self.name}/actions/runs/{run_id}",
            created_at=github.STAMP,
            updated_at=github.STAMP,
            actor=github.user("release-engineer"),
            triggering_actor=github.user("release-engineer"),
            jobs_url=f"{base}/actions/runs/{run_id}/jobs",
            logs_url=f"{base}/actions/runs/{run_id}/logs",
            artifacts_url=f"{base}/actions/runs/{run_id}/artifacts",
            cancel_url=f"{base}/actions/runs/{run_id}/cancel",
            rerun_url=f"{base}/actions/runs/{run_id}/rerun",
            workflow_url=f"{base}/actions/workflows/{workflow_id}",
            referenced_workflows=[],
            previous_attempt_url=None,
        )
        found["head_commit"].update(id=head_sha, tree_id=head_sha, message=commit.message)
        for key in ("repository", "head_repository"):
            found[key].update(name=self.name, full_name=f"{self.owner}/{self.name}")
        self.runs.append(found)
        self.reviews[run_id] = []
        return found

    def review(
        self, run: dict[str, Any], state: str, environments: list[str], reviewer: str = "reviewer"
    ) -> dict[str, Any]:
        """A review of the run's pending deployments to ``environments`` (GitHub's example)."""
        review: dict[str, Any] = github.reference("GET_repos_OWNER_REPO_actions_runs_RUN_ID_approvals")[0]
        template = review["environments"][0]
        review.update(
            state=state,
            comment=f"{state} by {reviewer}",
            user=github.user(reviewer),
            environments=[
                {
                    **template,
                    "id": github._id("env:" + name),
                    "node_id": f"MDExOkVudmlyb25tZW50{github._id('env:' + name)}",
                    "name": name,
                    "url": f"https://api.github.com/repos/{self.owner}/{self.name}/environments/{name}",
                    "html_url": f"https://github.com/{self.owner}/{self.name}/deployments/activity_log"
                    f"?environments_filter={name}",
                }
                for name in environments
            ],
        )
        self.reviews[run["id"]].append(review)
        return review

    # -- answers --------------------------------------------------------------------------------

    def _listing(self, rest: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        workflow = re.fullmatch(r"/actions/workflows/([^/]+)/runs", rest)
        found = []
        for run in reversed(self.runs):
            if workflow is not None:
                wanted = github.decoded(workflow)[0]
                bare = run["path"].rsplit("@", 1)[0]
                if wanted not in (bare.rsplit("/", 1)[-1], str(run["workflow_id"])):
                    continue
            checks = {
                "event": run["event"],
                "branch": run["head_branch"],
                "head_sha": run["head_sha"],
            }
            if any(key in query and query[key][0] != value for key, value in checks.items()):
                continue
            if "status" in query and query["status"][0] not in (run["status"], run["conclusion"]):
                continue
            listed = {
                k: v for k, v in run.items() if k not in ("referenced_workflows", "previous_attempt_url")
            }
            found.append(listed)
        return 200, ("workflow_runs", found)

    def _commit_object(self, sha: str) -> dict[str, Any]:
        template: dict[str, Any] = github.reference("GET_repos_OWNER_REPO_compare_BASEHEAD")["commits"][0]
        text = json.dumps(template).replace("octocat/Hello-World", f"{self.owner}/{self.name}")
        found: dict[str, Any] = json.loads(text.replace(template["sha"], sha))
        commit = self.commits[sha]
        found["commit"]["message"] = commit.message
        found["parents"] = (
            [
                {
                    "url": f"https://api.github.com/repos/{self.owner}/{self.name}/commits/{commit.parent}",
                    "sha": commit.parent,
                }
            ]
            if commit.parent
            else []
        )
        return found

    def _ancestry(self, sha: str) -> list[str]:
        chain = []
        current: str | None = sha
        while current is not None:
            chain.append(current)
            current = self.commits[current].parent
        return chain

    def _compare(self, base: str, head: str) -> tuple[int, Any]:
        if base not in self.commits or head not in self.commits:
            return 404, {"message": "Not Found", "documentation_url": github.API_DOCS, "status": "404"}
        base_chain, head_chain = self._ancestry(base), self._ancestry(head)
        merge_base = next((sha for sha in head_chain if sha in base_chain), None)
        if merge_base is None:
            return 404, {
                "message": f"No common ancestor between {base} and {head}.",
                "documentation_url": github.API_DOCS,
                "status": "404",
            }
        ahead_by, behind_by = head_chain.index(merge_base), base_chain.index(merge_base)
        status = (
            "identical"
            if base == head
            else "ahead"
            if behind_by == 0
            else "behind"
            if ahead_by == 0
            else "diverged"
        )
        comparison = github.reference("GET_repos_OWNER_REPO_compare_BASEHEAD")
        text = json.dumps(comparison).replace("octocat/Hello-World", f"{self.owner}/{self.name}")
        found: dict[str, Any] = json.loads(text)
        file_template = found["files"][0]
        old, new = self.commits[base].files, self.commits[head].files
        files = []
        for path in sorted(old.keys() | new.keys()):
            if old.get(path) == new.get(path):
                continue
            before, after = old.get(path, ""), new.get(path, "")
            diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=3))[2:]
            added = sum(1 for line in diff if line.startswith("+"))
            removed = sum(1 for line in diff if line.startswith("-"))
            blob = hashlib.sha1(after.encode()).hexdigest()  # noqa: S324
            files.append(
                {
                    **file_template,
                    "sha": blob,
                    "filename": path,
                    "status": "added" if path not in old else "removed" if path not in new else "modified",
                    "additions": added,
                    "deletions": removed,
                    "changes": added + removed,
                    "blob_url": f"https://github.com/{self.owner}/{self.name}/blob/{head}/{path}",
                    "raw_url": f"https://github.com/{self.owner}/{self.name}/raw/{head}/{path}",
                    "contents_url": f"https://api.github.com/repos/{self.owner}/{self.name}/contents/"
                    f"{path}?ref={head}",
                    "patch": "\n".join(diff),
                }
            )
        compare_url = f"https://api.github.com/repos/{self.owner}/{self.name}/compare/{base}...{head}"
        found.update(
            url=compare_url,
            html_url=compare_url.replace("api.github.com/repos", "github.com"),
            permalink_url=compare_url.replace("api.github.com/repos", "github.com"),
            diff_url=compare_url.replace("api.github.com/repos", "github.com") + ".diff",
            patch_url=compare_url.replace("api.github.com/repos", "github.com") + ".patch",
            base_commit=self._commit_object(base),
            merge_base_commit=self._commit_object(merge_base),
            status=status,
            ahead_by=ahead_by,
            behind_by=behind_by,
            total_commits=ahead_by,
            commits=[self._commit_object(sha) for sha in reversed(head_chain[:ahead_by])],
            files=files,
        )
        return 200, found

    def _ref(self, ref: str) -> tuple[int, Any]:
        target = self.refs.get(ref)
        if target is None:
            return 404, {"message": "Not Found", "documentation_url": github.API_DOCS, "status": "404"}
        kind = "tag" if target in self.tag_objects else "commit"
        base = f"https://api.github.com/repos/{self.owner}/{self.name}/git"
        found: dict[str, Any] = github.reference("GET_repos_OWNER_REPO_git_ref_REF")
        found.update(
            ref=f"refs/{ref}",
            node_id=f"REF_kwDO{github._id(ref)}",
            url=f"{base}/refs/{ref}",
            object={"type": kind, "sha": target, "url": f"{base}/{kind}s/{target}"},
        )
        return 200, found

    def _tag_object(self, sha: str) -> tuple[int, Any]:
        if sha not in self.tag_objects:
            return 404, {"message": "Not Found", "documentation_url": github.API_DOCS, "status": "404"}
        name, commit = self.tag_objects[sha]
        base = f"https://api.github.com/repos/{self.owner}/{self.name}/git"
        found: dict[str, Any] = github.reference("GET_repos_OWNER_REPO_git_tags_TAG_SHA")
        found.update(
            node_id=f"TAG_kwDO{github._id(sha)}",
            tag=name,
            sha=sha,
            url=f"{base}/tags/{sha}",
            message=f"release {name}",
            object={"type": "commit", "sha": commit, "url": f"{base}/commits/{commit}"},
        )
        return 200, found

    def answer(self, rest: str, query: dict[str, list[str]], private: bool) -> tuple[int, Any]:
        """The answer to ``GET /repos/{owner}/{name}{rest}``."""
        scope = "actions" if rest.startswith("/actions/") else "contents"
        permissions = self.token_permissions
        if private and permissions is not None and permissions.get(scope) not in ("read", "write"):
            return 403, {
                "message": "Resource not accessible by integration",
                "documentation_url": github.API_DOCS,
                "status": "403",
            }
        not_found = (404, {"message": "Not Found", "documentation_url": github.API_DOCS, "status": "404"})
        if rest == "/actions/runs" or re.fullmatch(r"/actions/workflows/[^/]+/runs", rest):
            return self._listing(rest, query)
        single = re.fullmatch(r"/actions/runs/(\d+)(/approvals)?", rest)
        if single is not None:
            run = next((r for r in self.runs if r["id"] == int(single.group(1))), None)
            if run is None:
                return not_found
            return (200, self.reviews[run["id"]]) if single.group(2) else (200, run)
        compare = re.fullmatch(r"/compare/([0-9a-f]{40})\.\.\.([0-9a-f]{40})", rest)
        if compare is not None:
            return self._compare(compare.group(1), compare.group(2))
        if rest.startswith("/git/ref/"):
            return self._ref(unquote(rest.removeprefix("/git/ref/")))
        if rest.startswith("/git/tags/"):
            return self._tag_object(unquote(rest.removeprefix("/git/tags/")))
        return not_found


_STATE: weakref.WeakKeyDictionary[github.FakeGitHub, dict[str, Actions]] = weakref.WeakKeyDictionary()


def actions(fake: github.FakeGitHub, repository: str) -> Actions:
    """The Actions state of one of the stand-in's repositories (made on first use)."""
    per_repository = _STATE.setdefault(fake, {})
    if repository not in per_repository:
        per_repository[repository] = Actions(fake.owner, repository)
    return per_repository[repository]


def answer(
    fake: github.FakeGitHub,
    name: str,
    repository: github.FakeRepository,
    rest: str,
    query: dict[str, list[str]],
) -> tuple[int, Any]:
    """The router's hook: an answer for a path under :data:`PREFIXES`."""
    return actions(fake, name).answer(rest, query, repository.private)

"""`repoconf new`: a complete configuration repository, never overwriting; `--check`; `--version`; and this
repository as one instance of the scaffold."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from repoconf.cli.main import main
from repoconf.scaffold.repository import OWNED, Requirement, Scaffold, installed_requirement, version
from repoconf.workflows import pins
from tests.conftest import REQUIREMENT, ROOT
from tests.workflows.actionlint import actionlint

ARGS = ["--owner", "acme", "--repo", "widgets", *REQUIREMENT]
FILES = {
    ".github/workflows/deploy.yml",
    ".github/workflows/drift.yml",
    ".github/workflows/preview.yml",
    ".gitignore",
    "Pulumi.staging.yaml",
    "Pulumi.yaml",
    "README.md",
    "config/policy.schema.json",
    "config/policy.yaml",
    "infra/__main__.py",
    "requirements.txt",
}


def written(directory: Path) -> set[str]:
    return {str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file()}


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"repoconf {version()}\n"


def test_new_writes_a_complete_repository_that_passes_actionlint_and_zizmor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "acme-github"
    assert main(["new", str(target), *ARGS]) == 0
    assert written(target) == FILES
    assert f"wrote {len(FILES)} files" in capsys.readouterr().out
    assert (target / "requirements.txt").read_text().splitlines()[-1] == REQUIREMENT[1]
    assert yaml.safe_load((target / "Pulumi.yaml").read_text())["name"] == "acme-github"
    assert yaml.safe_load((target / "Pulumi.staging.yaml").read_text()) == {
        "config": {"acme-github:policy": "config/policy.yaml"}
    }
    assert main(["validate", "--strict", str(target / "config" / "policy.yaml")]) == 0
    workflows = sorted((target / ".github" / "workflows").glob("*.yml"))
    result = actionlint(*workflows)
    assert result.returncode == 0, result.stdout + result.stderr
    zizmor = shutil.which("zizmor")
    assert zizmor is not None, "zizmor is not installed: pip install -e '.[test]'"
    audit = subprocess.run(
        [zizmor, "--offline", "--no-progress", str(target / ".github" / "workflows")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr
    uses = {
        line.split("uses: ", 1)[1]
        for workflow in workflows
        for line in workflow.read_text().splitlines()
        if "uses: " in line
    }
    assert uses == {
        pins.CHECKOUT,
        pins.SETUP_PYTHON,
        pins.CACHE,
        pins.PULUMI_ACTIONS,
        pins.UPLOAD,
        pins.DOWNLOAD,
    }  # from the pins module, never restated


def test_new_never_overwrites_and_writes_nothing_when_a_file_exists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "repo"
    (target / "infra").mkdir(parents=True)
    (target / "infra" / "__main__.py").write_text("mine\n")
    assert main(["new", str(target), *ARGS, "--project", "repo"]) == 2
    assert "already has infra/__main__.py" in capsys.readouterr().err
    assert written(target) == {"infra/__main__.py"}
    assert (target / "infra" / "__main__.py").read_text() == "mine\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--owner", "acme-", "--repo", "w"], "--owner: 'acme-'"),
        (["--owner", "acme", "--repo", ".."], "--repo: '..'"),
        ([*ARGS, "--project", "a b"], "--project: 'a b': a project name has only letters"),
        ([*ARGS, "--stack", "pro/d"], "--stack: 'pro/d'"),
        ([*ARGS, "--requirement", "repoconf==0.0.1"], "does not install repoconf"),
        (["--owner", "acme"], "--repo required"),
    ],
)
def test_bad_arguments_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["new", str(tmp_path / "x"), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


COMMIT = "a" * 40


@pytest.mark.parametrize(
    ("direct_url", "default"),
    [  # PEP 610's examples of direct_url.json, and what `new` pins by default
        (
            {"url": "https://github.com/acme/repoconf", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
            f"repoconf @ git+https://github.com/acme/repoconf@{COMMIT}",
        ),
        ({"url": "file:///home/me/repoconf", "dir_info": {"editable": True}}, None),
        ({"url": "https://example.com/repoconf-0.1.0.tar.gz", "archive_info": {}}, None),
        (
            {"url": "ssh://git@github.com/acme/repoconf", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
            None,
        ),
        ({"url": "https://github.com/acme/repoconf", "vcs_info": {"vcs": "git", "commit_id": "main"}}, None),
        ({"url": "https://hg.example.org/repoconf", "vcs_info": {"vcs": "hg", "commit_id": COMMIT}}, None),
        ({"url": "https://gіthub.com/acme/repoconf", "vcs_info": {"vcs": "git", "commit_id": COMMIT}}, None),
        (None, None),  # installed from an index: no direct_url.json
    ],
)
def test_the_default_requirement_is_the_git_commit_repoconf_was_installed_from(
    direct_url: dict[str, object] | None, default: str | None
) -> None:
    text = json.dumps(direct_url) if direct_url is not None else None
    if default is not None:
        assert installed_requirement(text) == default
        assert Requirement.pinned(default).line == default
    else:
        with pytest.raises(ValueError, match="no safe default requirement"):
            installed_requirement(text)


def test_without_a_requirement_an_install_that_is_not_a_git_commit_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tests' repoconf is an editable install: nothing safe to pin, and never `repoconf==` (the
    `repoconf` project on PyPI is another one)."""
    assert main(["new", str(tmp_path / "x"), "--owner", "acme", "--repo", "widgets"]) == 2
    assert "the `repoconf` project on PyPI is another one" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_the_git_requirement_while_repoconf_is_not_on_pypi(tmp_path: Path) -> None:
    line = f"repoconf @ git+https://github.com/acme/repoconf@v{version()}"
    assert main(["new", str(tmp_path / "x"), *ARGS, "--requirement", line]) == 0
    assert (tmp_path / "x" / "requirements.txt").read_text().splitlines()[-1] == line


def test_check_says_what_this_version_writes_differently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "repo"
    assert main(["new", str(target), *ARGS, "--stack", "prod"]) == 0
    capsys.readouterr()
    assert main(["new", "--check", str(target)]) == 0
    assert "is what repoconf" in capsys.readouterr().err
    # the user's own files are theirs: a policy edit or a README change is no difference
    (target / "README.md").write_text("ours\n")
    assert main(["new", "--check", str(target)]) == 0
    capsys.readouterr()
    # an older pin, an edited workflow and a Pulumi.yaml without the owner key are
    (target / "requirements.txt").write_text("repoconf==0.0.1\n")
    drift = target / ".github" / "workflows" / "drift.yml"
    drift.write_text(drift.read_text().replace('- cron: "17 6 * * *"', '- cron: "0 0 * * *"'))
    project = yaml.safe_load((target / "Pulumi.yaml").read_text())
    del project["config"]["owner"]
    (target / "Pulumi.yaml").write_text(yaml.safe_dump(project))
    assert main(["new", "--check", str(target)]) == 1
    out, err = capsys.readouterr()
    assert "+++ b/requirements.txt" in out
    assert f"+repoconf=={version()}" in out
    assert '+    - cron: "17 6 * * *"' in out
    assert "Pulumi.yaml: config.owner: this version declares" in err
    # the patch applies with git and leaves only the Pulumi.yaml line to do by hand
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "apply"], input=out, text=True, check=True)
    assert main(["new", "--check", str(target)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "config.owner" in err


THIS = Scaffold("acme", "widgets", "repoconf", "staging", Requirement.pinned("-e ."), "acme-sandbox")
INSTANCE = [*OWNED, "Pulumi.yaml", "Pulumi.staging.yaml"]  # config/policy.yaml is the user's


@pytest.mark.parametrize("path", INSTANCE)
def test_this_repository_is_an_instance_of_the_scaffold(path: str) -> None:
    # one case per file: the floor job leaves out the schema, which older pydantic words otherwise
    assert (ROOT / path).read_text() == THIS.files()[path], (
        "regenerate with: repoconf new --check . | git apply"
    )


def test_the_deploy_runs_on_repoconf_changes() -> None:
    # repoconf installs itself from its checkout, so its program code triggers previews and deploys
    files = THIS.files()
    paths = yaml.safe_load(files[".github/workflows/deploy.yml"])[True]["push"]["paths"]
    assert {"src/**", "pyproject.toml", "config/**", "imports/**"} <= set(paths)


def test_check_bumps_a_git_pin_in_its_own_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "repo"
    assert main(["new", str(target), *ARGS]) == 0
    (target / "requirements.txt").write_text("repoconf @ git+https://git.example.com/ours/repoconf@v0.0.1\n")
    capsys.readouterr()
    assert main(["new", "--check", str(target)]) == 1
    assert f"+repoconf @ git+https://git.example.com/ours/repoconf@v{version()}" in capsys.readouterr().out
    (target / "requirements.txt").write_text("somethingelse\n")  # no form to keep, and no safe default
    assert main(["new", "--check", str(target)]) == 2
    assert "no safe default requirement" in capsys.readouterr().err


@pytest.mark.parametrize(
    "line",
    [
        "repoconf\n==\n{v}",  # one requirement per line: a bare `repoconf` is the other project
        "repoconf @ git+https://gіthub.com/acme/repoconf@v{v}",  # a look-alike host (Cyrillic і)
        "repoconf @ git+https:///../evil@v{v}",
        "repoconf @ git+https://./x@v{v}",
        "repoconf @ git+https://github.com/acme/../evil/repoconf@v{v}",
        "repoconf @ git+ssh://git@github.com/acme/repoconf@v{v}",
        "repoconf==0.0.1",
        "repoconf==={v}",
        "--index-url https://evil.example/simple repoconf=={v}",
    ],
)
def test_a_requirement_is_one_line_installing_exactly_this_version(line: str) -> None:
    with pytest.raises(ValueError, match="does not install repoconf"):
        Requirement.pinned(line.format(v=version()))


def test_a_commit_pin_is_the_installed_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    installed = f"repoconf @ git+https://github.com/acme/repoconf@{COMMIT}"
    monkeypatch.setattr("repoconf.scaffold.repository.installed_requirement", lambda: installed)
    assert Requirement.pinned(installed).line == installed
    with pytest.raises(ValueError, match="pins another commit than this repoconf's"):
        Requirement.pinned(installed.replace("a" * 40, "b" * 40))
    assert Requirement.bumped("repoconf @ git+https://github.com/acme/repoconf@0.0.1").line == (
        f"repoconf @ git+https://github.com/acme/repoconf@{version()}"  # no `v` where the pin had none
    )

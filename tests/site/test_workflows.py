"""The GitHub Actions workflows validate offline: schema, security audit, and their shape.

``check-jsonschema`` checks each workflow against its vendored copy of the GitHub workflow
schema (SchemaStore); ``zizmor --offline`` audits them for security findings with its
pedantic persona. Both are in the ``test`` extra and need no network.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def tool(name: str) -> str:
    """The console script ``name`` of this environment (or on PATH)."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.is_file() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def load(name: str) -> dict[Any, Any]:
    # PyYAML reads the key `on:` as True: give it back its name.
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_the_workflows_are_there() -> None:
    assert [f.name for f in FILES] == ["docs.yml", "matrix.yml", "tests.yml"]


def test_the_workflows_match_the_github_workflow_schema() -> None:
    done = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, FILES)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing_even_pedantic() -> None:
    done = subprocess.run(
        [tool("zizmor"), "--offline", "--pedantic", "--no-progress", str(WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout


@pytest.mark.parametrize("name", ["docs.yml", "matrix.yml", "tests.yml"])
def test_every_action_is_pinned_and_no_checkout_keeps_credentials(name: str) -> None:
    workflow = load(name)
    assert workflow["permissions"] == {}, "no permission unless a job asks for it"
    for step in steps(workflow):
        if "uses" in step:
            assert PINNED.match(step["uses"]), step["uses"]
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_the_tests_run_on_pushes_and_pull_requests_with_ci() -> None:
    workflow = load("tests.yml")
    assert set(workflow["on"]) == {"push", "pull_request"}
    (job,) = workflow["jobs"].values()
    assert job["env"]["PIP_EXTRA_INDEX_URL"] == "https://download.pytorch.org/whl/cpu"
    assert [s["run"] for s in job["steps"] if "run" in s] == [".ci/run"]


def test_the_site_deploys_from_main_only_after_the_tests_and_a_strict_build() -> None:
    workflow = load("docs.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    assert jobs["tests"]["steps"] == load("tests.yml")["jobs"]["tests"]["steps"]
    assert jobs["build"]["needs"] == "tests"
    assert jobs["deploy"]["needs"] == "build"
    runs = [s["run"] for s in jobs["build"]["steps"] if "run" in s]
    assert any("mkdocs build --strict" in run for run in runs)
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s["uses"].split("@")[0] for s in jobs["deploy"]["steps"]] == ["actions/deploy-pages"]


def test_the_matrix_runs_each_release_on_cpu_wheels_on_a_schedule_and_on_notes_changes() -> None:
    workflow = load("matrix.yml")
    assert set(workflow["on"]) == {"schedule", "pull_request", "workflow_dispatch"}
    assert "docs/notes/**" in workflow["on"]["pull_request"]["paths"]
    assert workflow["env"]["UV_TORCH_BACKEND"] == "cpu"
    jobs = workflow["jobs"]
    assert list(jobs) == ["releases", "release", "gather"]
    # One job per admitted release, side by side, from the list the first job prints.
    assert "matrix --list" in jobs["releases"]["steps"][-1]["run"]
    strategy = jobs["release"]["strategy"]
    assert strategy["fail-fast"] is False
    assert strategy["matrix"]["release"] == "${{ fromJSON(needs.releases.outputs.list) }}"
    runs = [s["run"] for s in jobs["release"]["steps"] if "run" in s]
    assert runs == ['make matrix MATRIX="--force --releases $RELEASE"']
    assert jobs["release"]["steps"][-2]["env"]["RELEASE"] == "${{ matrix.release }}"
    # The last job gathers every release's results and checks them.
    assert jobs["gather"]["needs"] == "release"
    gathered = [s for s in jobs["gather"]["steps"] if "download-artifact" in s.get("uses", "")]
    assert gathered[0]["with"]["pattern"] == "release-*"
    assert jobs["gather"]["steps"][-1]["run"].endswith("python -m notesite matrix --check")

"""Shared fixtures: a private cache folder, the opened bundled graph, a CLI runner."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

# Every test run compiles into its own cache folder, never the user's.
os.environ["SCO_GRAPH_CACHE"] = tempfile.mkdtemp(prefix="sco-graph-test-cache-")
os.environ.pop("SCO_GRAPH_DATA", None)
os.environ.pop("NO_COLOR", None)

from typer.testing import CliRunner

from sco_graph import api
from sco_graph.cli import app
from sco_graph.graph import Graph

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="session")
def graph() -> Graph:
    return api.open_graph()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    return SEEDS


class Invoke:
    """Run the CLI in-process and read its output."""

    def __init__(self, runner: CliRunner) -> None:
        self.runner = runner

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Any:
        return self.runner.invoke(app, list(args), env=env)

    def json(self, *args: str) -> Any:
        result = self(*args, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def cli(runner: CliRunner) -> Invoke:
    return Invoke(runner)

"""Names through the CLI: short prefixes and unlike names are refused with honest suggestions."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sco_graph.errors import ExitCode

from .conftest import Invoke


def _one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("sco-graph: error: ")
    assert "Traceback" not in stderr
    return lines[0]


def test_who_met_xi_is_unknown_and_suggests_xinhua_instead_of_answering(cli: Invoke) -> None:
    result = cli("who-met", "Xi", "--format", "json")
    assert result.exit_code == ExitCode.UNKNOWN_NAME
    assert result.stdout == ""
    line = _one_error_line(result.stderr)
    assert "did you mean 'Xinhua'?" in line
    assert "too short" in line


def test_who_met_putin_suggests_nothing_unrelated_and_points_to_search(cli: Invoke) -> None:
    result = cli("who-met", "Putin")
    assert result.exit_code == ExitCode.UNKNOWN_NAME
    assert result.stdout == ""
    line = _one_error_line(result.stderr)
    assert "CSTO" not in line
    assert "Collective Security" not in line
    assert "Programme" not in line
    assert "did you mean" not in line
    assert "no known name is similar" in line
    assert "sco-graph search" in line


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("Mirzoyev", "Ruslan Mirzaev"), ("Khachaturyan", "Yury Khachaturov"), ("Zhang M", "Zhang Ming")],
)
def test_a_misspelt_or_too_short_name_suggests_the_right_entity(cli: Invoke, typed: str, suggested: str) -> None:
    result = cli("who-met", typed)
    assert result.exit_code == ExitCode.UNKNOWN_NAME
    assert f"did you mean {suggested!r}?" in _one_error_line(result.stderr)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Khachat", "Yury Khachaturov"),
        ("Mirzayev", "Ruslan Mirzaev"),
        ("Japarov", "Sadyr Japarov"),
        ("Japarow", "Sadyr Japarov"),
        ("Zhang Min", "Zhang Ming"),
        ("SCO", "Shanghai Cooperation Organisation"),
        ("EU", "European Union"),
    ],
)
def test_names_that_resolved_before_still_answer(cli: Invoke, typed: str, name: str) -> None:
    assert cli.json("who-met", typed)["subject"]["name"] == name


def test_a_deliberate_prefix_of_several_names_is_ambiguous(cli: Invoke) -> None:
    result = cli("show", "Turk")
    assert result.exit_code == ExitCode.AMBIGUOUS_NAME
    line = _one_error_line(result.stderr)
    assert "'Turkey'" in line
    assert "'Turkmenistan'" in line


def test_a_real_process_refuses_a_two_letter_prefix_with_exit_three() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sco_graph", "who-met", "Xi"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == ExitCode.UNKNOWN_NAME
    assert result.stdout == ""
    assert "did you mean 'Xinhua'?" in _one_error_line(result.stderr)

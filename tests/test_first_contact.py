"""What a new user meets first: help for bare invocations, shell completion, a typed library."""

from __future__ import annotations

import importlib.resources
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sco_graph.graph import Graph

from .conftest import Invoke

BIN = Path(sys.executable).parent
SCO = str(BIN / "sco-graph")


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SCO, *args], capture_output=True, text=True, timeout=60, env=env, check=False)


@pytest.mark.parametrize("args", [[], ["cache"]], ids=["sco-graph", "sco-graph cache"])
def test_a_bare_invocation_prints_help_on_stdout_and_exits_0(args: list[str]) -> None:
    result = _run(*args)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith(f"Usage: sco-graph {' '.join(args)}".rstrip() + " [OPTIONS] COMMAND [ARGS]...")
    assert "Commands" in result.stdout and result.stdout.count("\n") > 5


def test_a_wrong_command_is_still_a_usage_error() -> None:
    result = _run("who-mett")
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1


# ------------------------------------------------------------------ completion
def _bash_completion(*words: str) -> list[str]:
    """Complete the last of ``words`` the way bash does: through the script `--show-completion bash` prints."""
    bash = shutil.which("bash")
    assert bash is not None
    script = (
        'source <(sco-graph --show-completion bash) && COMP_WORDS=("$@") && COMP_CWORD=$(($# - 1)) && '
        '_sco_graph_completion sco-graph && printf "%s\\n" "${COMPREPLY[@]}"'
    )
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [bash, "-c", script, "bash", "sco-graph", *words],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if line]


def test_bash_completes_commands() -> None:
    assert _bash_completion("who") == ["who-met"]
    assert "timeline" in _bash_completion("")


def test_bash_completes_entity_names_from_the_name_index() -> None:
    assert _bash_completion("who-met", "Mirz") == ["Mirzaev", "Mirzayev"]
    assert _bash_completion("who-met", "Zhang", "Mi") == ["Ming"]
    assert _bash_completion("who-met", "--as-of", "2020", "Zhang", "Mi") == ["Ming"]
    assert _bash_completion("path", "Hakala", "Japa") == ["Japarov"]
    assert _bash_completion("who-met", "Qqqq") == []


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_gets_a_completion_script(shell: str) -> None:
    result = _run("--show-completion", shell)
    assert result.returncode == 0 and "_SCO_GRAPH_COMPLETE" in result.stdout


def test_completion_continues_the_words_already_typed(graph: Graph) -> None:
    names = graph.directory
    assert names.complete([], "mirz") == ["Mirzaev", "Mirzayev"]
    assert "Ming" in names.complete(["Zhang"], "m")
    assert names.complete(["Sadyr"], "Ming") == []  # no name has Ming after Sadyr
    assert names.complete([], "") == []


def test_the_package_is_typed_for_library_users() -> None:
    assert importlib.resources.files("sco_graph").joinpath("py.typed").is_file()


# ------------------------------------------------------------------ pictures are an optional extra
@pytest.mark.parametrize(
    "args",
    [
        ["draw", "CSTO", "-o", "{out}.svg"],
        ["draw", "CSTO", "-o", "{out}.html"],
        ["timeline", "CSTO", "-o", "{out}.png"],
    ],
    ids=["svg", "html", "timeline png"],
)
@pytest.mark.parametrize("missing", ["matplotlib", "numpy"])
def test_without_the_pictures_extra_a_picture_names_the_install_to_run(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], missing: str
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # as if it were not installed
    result = cli(*(arg.format(out=tmp_path / "picture") for arg in args))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "pip install 'sco-graph[pictures]'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_other_commands_need_no_picture_library(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("matplotlib", "numpy"):
        monkeypatch.setitem(sys.modules, module, None)
    for args in (["who-met", "Zhang", "Ming"], ["stats"], ["path", "Terhi Hakala", "Sadyr Japarov"]):
        assert cli(*args, "--format", "json").exit_code == 0, args


# ------------------------------------------------------------------ files named as given
def test_messages_name_a_file_as_the_user_gave_it_through_a_symbolic_link(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "real" / "bad.ttl").write_text('<urn:a> <urn:b> "open .\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for args in (["validate", "link/bad.ttl"], ["--data", "link/bad.ttl", "stats"]):
        result = cli(*args)
        assert result.exit_code == 5
        assert "link/bad.ttl:" in result.output and "real" not in result.output, result.output

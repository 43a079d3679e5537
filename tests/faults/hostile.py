"""Shared helpers for the fault-injection suite: running the real CLI, and data with hostile text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

# Labels and quotes that a terminal would execute or that would forge output lines.
CLEAR_SCREEN = "\x1b[2J\x1b[H"
HYPERLINK = "\x1b]8;;http://attacker.example/\x07click\x1b]8;;\x07"
HOSTILE_NAME = f"Eve{CLEAR_SCREEN}Mallory\x07\u202eesrever\x9b31m"
FORGED_ROW = "Ruth Row\n2099-01-01  Forged  Row"
_FORGED_ROW_TURTLE = FORGED_ROW.replace("\n", "\\n")

HOSTILE_DATA = f"""@prefix sco: <https://w3id.org/sco-graph/def#> .
@prefix e: <https://w3id.org/sco-graph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<notes.html> a sco:Article ; <https://schema.org/headline> "Notes {HYPERLINK}" .
<#meeting> a sco:Meeting ; rdfs:label "Zhang Ming meets {CLEAR_SCREEN}someone" ;
    sco:date "2024-02"^^xsd:gYearMonth ;
    sco:participant e:zhang-ming, <#eve>, <#ruth> ;
    sco:evidence [ sco:source <notes.html> ; sco:quote "quote {HYPERLINK} end" ] .
<#eve> a sco:Person ; rdfs:label "{HOSTILE_NAME}" ; rdfs:comment "bell\\u0007 and \\u001b[31mred" ;
    sco:evidence [ sco:source <notes.html> ; sco:quote "we met {CLEAR_SCREEN}" ] .
<#ruth> a sco:Person ; rdfs:label "{_FORGED_ROW_TURTLE}" ;
    sco:evidence [ sco:source <notes.html> ; sco:quote "row" ] .
"""

# Raw bytes that must never reach a reader unescaped.
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e", "\x00")


def write_hostile(folder: Path) -> Path:
    path = folder / "hostile.ttl"
    path.write_text(HOSTILE_DATA, encoding="utf-8")
    return path


def run(*args: str, env: dict[str, str] | None = None, **options: Any) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m sco_graph ARGS`` as a real process (bytes in, bytes out)."""
    full_env = {**os.environ, **(env or {})}
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **options}
    return subprocess.run([sys.executable, "-m", "sco_graph", *args], check=False, env=full_env, timeout=120, **streams)


def assert_one_clean_line(stderr: bytes | str) -> str:
    """Exactly one line on stderr, an error from sco-graph, with no traceback and no raw control character."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert lines[0].startswith("sco-graph: error: "), text
    assert "Traceback" not in text
    assert not any(char in text for char in RAW_CONTROLS), text
    return lines[0]


def listing(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its content, to prove nothing was added, removed or changed."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}

"""Output for people and for pipelines: tables on narrow terminals, and JSON Lines.

Narrow terminals are real pseudo-terminals: the program runs in a separate
process that sees a terminal of the given width, exactly as a user's shell would.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys

import pytest

pty = pytest.importorskip("pty")  # POSIX only
import fcntl  # noqa: E402 - after the POSIX check
import struct  # noqa: E402
import termios  # noqa: E402

COMMANDS = [
    ["who-met", "Zhang", "Ming"],
    ["timeline", "CSTO"],
    ["show", "Mirzayev"],
    ["path", "Terhi Hakala", "Sadyr Japarov"],
    ["members", "SCO"],
    ["common", "Zhang Ming", "Norov"],
    ["neighbours", "CSTO", "--depth", "2"],
]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
RULES = set("─━│┃├└┌┐┘┬┴┼╷╵ ")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def on_terminal(args: list[str], columns: int) -> str:
    """What the command shows on a terminal ``columns`` wide (escape sequences removed)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    env.update(COLUMNS=str(columns), TERM="xterm-256color")
    process = subprocess.Popen(
        [sys.executable, "-m", "sco_graph", *args], stdin=follower, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the program closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait() == 0, b"".join(chunks).decode(errors="replace")
    return ANSI.sub("", b"".join(chunks).decode()).replace("\r\n", "\n")


def piped(args: list[str], *options: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "sco_graph", *args, *options], capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture(scope="module")
def plain() -> dict[str, set[str]]:
    """Every word of each command's plain output, which never wraps."""
    return {" ".join(args): set(piped(args).split()) for args in COMMANDS}


@pytest.mark.parametrize("columns", [60, 80, 100])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: args[0])
def test_a_narrow_terminal_never_breaks_a_word(args: list[str], columns: int, plain: dict[str, set[str]]) -> None:
    """Each word on the terminal is a whole word of the plain output: no date, IRI or name is cut."""
    shown = on_terminal(args, columns)
    words = plain[" ".join(args)]
    broken = [
        word
        for word in shown.split()
        if word not in words
        and not set(word) <= RULES
        and not (word.endswith(":") and word[:-1] in words)  # a column's name before its value
    ]
    assert broken == [], shown
    dates = [date for line in shown.splitlines() for date in DATE.findall(line)]
    assert dates, shown
    assert sorted(set(dates)) == sorted({date for word in words for date in DATE.findall(word)})


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_tables_fit_the_terminal(columns: int) -> None:
    for args in (["who-met", "Zhang", "Ming"], ["members", "SCO"], ["show", "Mirzayev"]):
        shown = on_terminal(args, columns)
        assert max(len(line.rstrip()) for line in shown.splitlines()) <= columns, shown


def test_a_date_column_keeps_each_date_on_one_line() -> None:
    """At 80 columns the who-met table is a table, and its date sits whole in the first column."""
    shown = on_terminal(["who-met", "Zhang", "Ming"], 80)
    rows = [line for line in shown.splitlines() if "Sadyr" in line]
    assert rows, shown
    assert rows[0].split()[0] == "2023-05-11"
    assert "Date" in shown.split()


# ------------------------------------------------------------------ JSON Lines
QUERIES = [
    ["who-met", "Zhang", "Ming"],
    ["neighbours", "CSTO"],
    ["path", "Terhi Hakala", "Sadyr Japarov", "--all"],
    ["common", "Zhang Ming", "Norov"],
    ["timeline", "CSTO"],
    ["show", "Mirzayev"],
    ["search", "mirzoyev"],
    ["members", "SCO"],
    ["stats"],
    ["validate", "--syntax-only"],
    ["cache", "info"],
]


@pytest.mark.parametrize("args", QUERIES, ids=lambda args: args[0])
def test_jsonl_has_one_object_for_each_csv_row(args: list[str]) -> None:
    lines = piped(args, "--format", "jsonl").splitlines()
    table = list(csv.DictReader(io.StringIO(piped(args, "--format", "csv"))))
    objects = [json.loads(line) for line in lines]
    assert len(objects) == len(table)
    assert all(isinstance(item, dict) for item in objects)
    for item, row in zip(objects, table, strict=True):
        assert list(item) == list(row)


def test_jsonl_members_are_typed() -> None:
    rows = [json.loads(line) for line in piped(["who-met", "Zhang", "Ming"], "-f", "jsonl").splitlines()]
    assert rows[0]["counterpart"] == "Sadyr Japarov"
    assert rows[0]["date"] == "2023-05-11"
    assert rows[0]["headline_only"] is False
    assert {"source", "quote"} <= set(rows[0]["sources"][0])
    hops = [json.loads(line) for line in piped(["path", "Terhi Hakala", "Sadyr Japarov"], "-f", "jsonl").splitlines()]
    assert [hop["step"] for hop in hops] == list(range(1, len(hops) + 1))
    assert isinstance(hops[0]["other_relations"], list)
    members = [json.loads(line) for line in piped(["members", "SCO"], "-f", "jsonl").splitlines()]
    china = next(row for row in members if row["member"] == "China")
    assert china["end"] is None
    assert china["attested"] and all(DATE.fullmatch(day) for day in china["attested"])
    stats = [json.loads(line) for line in piped(["stats"], "-f", "jsonl").splitlines()]
    assert all(isinstance(row["value"], int) for row in stats)


def test_csv_still_joins_lists_into_one_cell() -> None:
    rows = list(csv.DictReader(io.StringIO(piped(["members", "SCO"], "-f", "csv"))))
    china = next(row for row in rows if row["member"] == "China")
    assert china["end"] == ""
    assert DATE.fullmatch(china["attested"].split(" ")[0])
    assert ": " in china["sources"]


def test_an_unknown_format_names_jsonl() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sco_graph", "who-met", "Zhang", "Ming", "-f", "yaml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "table, json, jsonl or csv" in done.stderr

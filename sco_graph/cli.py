"""The command line: thin typer commands over :mod:`sco_graph.queries`.

Each command parses its arguments, calls one core function and hands the
result to :func:`sco_graph.render.render`. Errors are caught in one place,
:meth:`ScoGroup.main`, which prints one line to stderr and exits with the
documented :class:`~sco_graph.errors.ExitCode`.
"""

import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer  # no "from __future__ import annotations" here: typer would eval every annotation string, +10 ms a run
from typer.core import TyperGroup

from sco_graph import __version__
from sco_graph.errors import ExitCode, ScoGraphError, Terminated
from sco_graph.streams import ReaderGone, checked_stdout, reopen_closed_descriptors, silence_stdout

if TYPE_CHECKING:
    from sco_graph.dates import PartialDate
    from sco_graph.draw import Picture
    from sco_graph.graph import Graph
    from sco_graph.render import Format, Result

PROG = "sco-graph"


def _fail(message: str, code: int) -> NoReturn:
    from sco_graph.escape import one_line

    sys.stderr.write(f"{PROG}: error: {one_line(str(message))}\n")
    sys.stderr.flush()
    sys.exit(code)


def _on_signal(number: int, _frame: object) -> None:
    import signal

    raise Terminated(number, signal.Signals(number).name)


def _catch_signals() -> dict[int, Any]:
    """Ctrl-C, SIGTERM and SIGHUP unwind the stack, so temporary files are removed on the way out."""
    import signal

    previous: dict[int, Any] = {}
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        try:
            previous[number] = signal.signal(number, _on_signal)
        except ValueError:  # not the main thread (an embedding application): leave signals alone
            break
    return previous


def _restore_signals(previous: dict[int, Any]) -> None:
    import signal

    for number, handler in previous.items():
        signal.signal(number, handler)


class ScoGroup(TyperGroup):
    """The command group, with sco-graph's single error boundary."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        del standalone_mode  # errors are always handled here, never by click's printer
        reopen_closed_descriptors()
        original = sys.stdout
        sys.stdout = checked_stdout()
        previous = _catch_signals()
        try:
            result = super().main(args, prog_name or PROG, complete_var, standalone_mode=False, **extra)
            sys.stdout.flush()
        except ScoGraphError as error:
            _fail(error.message, error.code)
        except KeyboardInterrupt:
            _fail("interrupted", ExitCode.INTERRUPTED)
        except Terminated as signal:
            message = "interrupted" if signal.name == "SIGINT" else f"stopped by {signal.name}"
            _fail(message, 128 + signal.signal_number)
        except (ReaderGone, BrokenPipeError):
            silence_stdout()  # the reader has all it wanted (| head): a normal end
            sys.exit(ExitCode.OK)
        except Exception as error:  # a click usage error, or a bug: never a traceback
            if type(error).__name__ == "NoArgsIsHelpError":  # `sco-graph`, `sco-graph cache`: help, as asked
                sys.stdout.write(error.ctx.get_help() + "\n")  # type: ignore[attr-defined]
                sys.stdout.flush()
                sys.exit(ExitCode.OK)
            if hasattr(error, "format_message") and hasattr(error, "exit_code"):
                _fail(error.format_message(), ExitCode.USAGE)
            if os.environ.get("SCO_GRAPH_DEBUG"):
                raise
            _fail(f"unexpected {type(error).__name__}: {error} (set SCO_GRAPH_DEBUG=1 for details)", ExitCode.INTERNAL)
        finally:
            sys.stdout = original
            _restore_signals(previous)
        sys.exit(result if isinstance(result, int) else ExitCode.OK)


app = typer.Typer(
    cls=ScoGroup,
    name=PROG,
    help="Explore the Shanghai Cooperation Organisation's relations: sourced, dated facts from curated articles.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _Settings:
    """Global options, read by every command that opens the data."""

    data: list[Path] = []  # noqa: RUF012 - replaced per invocation
    bundled: bool = True
    endpoint: str | None = None
    graph_iri: str | None = None
    graph: "Graph | None" = None


SETTINGS = _Settings()


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"{PROG} {__version__}\n")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def main_options(
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data",
            help="Add a Turtle, N-Triples or JSON-LD file, or a folder of them (repeatable); - reads standard input.",
            envvar=None,
        ),
    ] = None,
    input_format: Annotated[
        str,
        typer.Option("--input-format", help="The format of data read from standard input: turtle, ntriples or jsonld."),
    ] = "turtle",
    no_bundled: Annotated[bool, typer.Option("--no-bundled", help="Leave the bundled dataset out.")] = False,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            help="Query a SPARQL 1.1 endpoint holding the data instead of local files.",
            envvar="SCO_GRAPH_ENDPOINT",
        ),
    ] = None,
    graph_iri: Annotated[
        str | None,
        typer.Option(
            "--graph",
            metavar="IRI",
            help="With --endpoint: the named graph that holds the data (sent as default-graph-uri).",
            envvar="SCO_GRAPH_GRAPH",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Global options go before the command: sco-graph --data mine.ttl who-met Zhang Ming."""
    from sco_graph.api import data_from_environment
    from sco_graph.load import STDIN

    del version
    STDIN.restart(input_format.lower())
    SETTINGS.data = [*data_from_environment(), *(data or [])]
    SETTINGS.bundled = not no_bundled
    SETTINGS.endpoint = endpoint
    SETTINGS.graph_iri = graph_iri
    SETTINGS.graph = None
    warnings.showwarning = _show_warning
    if sys.stderr.isatty():
        from sco_graph.progress import RichReporter, set_reporter

        set_reporter(RichReporter())


def _show_warning(message: Warning | str, category: type[Warning], *_: object, **__: object) -> None:
    from sco_graph.escape import one_line

    del category
    sys.stderr.write(f"{PROG}: warning: {one_line(str(message))}\n")


def _graph() -> "Graph":
    from sco_graph.api import open_graph

    if SETTINGS.graph is None:
        SETTINGS.graph = open_graph(SETTINGS.data, SETTINGS.bundled, SETTINGS.endpoint, SETTINGS.graph_iri)
    return SETTINGS.graph


def _date(text: str | None, option: str) -> "PartialDate | None":
    from sco_graph.dates import parse_user_date

    return parse_user_date(text, option) if text is not None else None


def _show(result: "Result", fmt: "Format") -> None:
    from sco_graph.render import render

    render(result, fmt)


# ------------------------------------------------------------------ shared options
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="Output: table (on a terminal), json, jsonl (one JSON object a row) or csv.",
        case_sensitive=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Only what was true (or had happened) by this date: YYYY, YYYY-MM or YYYY-MM-DD."),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Draw a picture to this file (.svg, .png, or .html where offered)."),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace an existing output file.")]


def _complete_name(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of an entity name: the words of known names that continue what was typed."""
    try:
        from sco_graph.api import open_graph

        words = ctx.params.get("name") or ctx.params.get("organisation") or ()  # the name's words typed so far
        typed = [str(word) for word in words] if isinstance(words, (list, tuple)) else []
        return open_graph().directory.complete(typed, incomplete)
    except Exception:  # noqa: BLE001 - completion offers nothing rather than an error in the shell
        return []


NameArgument = Annotated[
    list[str],
    typer.Argument(help="A name, alias, acronym or surname; quotes are optional.", autocompletion=_complete_name),
]


def _format(value: str) -> "Format":
    lowered = value.lower()
    if lowered not in ("table", "json", "jsonl", "csv"):
        raise typer.BadParameter(f"--format must be table, json, jsonl or csv ({value!r} given)")
    return lowered  # type: ignore[return-value]


def _joined(words: list[str]) -> str:
    return " ".join(words)


# ------------------------------------------------------------------ commands
@app.command("who-met")
def who_met(name: NameArgument, fmt: FormatOption = "table", as_of: AsOfOption = None) -> None:
    """Everyone NAME met, with date, place, occasion and sources.

    Example: sco-graph who-met Zhang Ming
    """
    from sco_graph import queries

    _show(queries.who_met(_graph(), _joined(name), _date(as_of, "--as-of")), _format(fmt))


@app.command("neighbours")
def neighbours(
    name: NameArgument,
    depth: Annotated[
        int, typer.Option("--depth", "-d", help="How many hops to expand (1 to 4); above 1 shows a tree.")
    ] = 1,
    entity_type: Annotated[
        str | None, typer.Option("--type", "-t", help="Only neighbours of this entity type (person, country, ...).")
    ] = None,
    relation: Annotated[
        str | None,
        typer.Option(
            "--relation", "-r", help="Only this relation, named either way (met, member of, has member, ...)."
        ),
    ] = None,
    fmt: FormatOption = "table",
    as_of: AsOfOption = None,
) -> None:
    """Entities directly related to NAME, grouped by relation, with dates and sources.

    An organisation's neighbours include its organs' relations, and a place's
    those of the places inside it, marked "via".
    Example: sco-graph neighbours CSTO --depth 2
    """
    from sco_graph import queries

    result = queries.neighbours(
        _graph(), _joined(name), depth=depth, entity_type=entity_type, relation=relation, as_of=_date(as_of, "--as-of")
    )
    _show(result, _format(fmt))


app.command("neighbors", help="Alias of neighbours.", hidden=False)(neighbours)


@app.command("path")
def path(
    start: Annotated[
        str, typer.Argument(help="Where the path starts (quote names with spaces).", autocompletion=_complete_name)
    ],
    end: Annotated[
        str, typer.Argument(help="Where the path ends (quote names with spaces).", autocompletion=_complete_name)
    ],
    max_hops: Annotated[int, typer.Option("--max-hops", "-k", help="Longest path to consider (1 to 10).")] = 6,
    every: Annotated[
        bool, typer.Option("--all", help="List the best paths up to --max-hops (see --limit), best first.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", help="With --all, at most this many paths (1 to 50).")] = 50,
    via: Annotated[
        list[str] | None,
        typer.Option("--via", help="Only hops by this relation (repeatable): met, holds a position in, ..."),
    ] = None,
    avoid: Annotated[
        list[str] | None, typer.Option("--avoid", help="Never pass through this entity (repeatable).")
    ] = None,
    chronological: Annotated[
        bool, typer.Option("--chronological", help="Only time-respecting paths: each hop no earlier than the last.")
    ] = False,
    fmt: FormatOption = "table",
    as_of: AsOfOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """How two entities are connected, hop by hop, each hop dated and sourced; the best-explained path first.

    Hops are ranked by evidence: contact and offices, then organisational ties, then joint acts;
    a hop resting on statements only is taken only when nothing stronger connects the two.
    With --output FILE.svg|png|html it draws the paths found.
    Example: sco-graph path "Terhi Hakala" "Sadyr Japarov"
    """
    from sco_graph import queries

    if output is not None:
        from sco_graph.draw import check_output

        check_output(output, force=force)
    result = queries.path(
        _graph(),
        start,
        end,
        max_hops=max_hops,
        every=every,
        as_of=_date(as_of, "--as-of"),
        limit=limit,
        via=via or [],
        avoid=avoid or [],
        chronological=chronological,
    )
    if output is None:
        _show(result, _format(fmt))
        return
    from sco_graph import draw

    network, order = draw.path_network(result)
    _wrote(draw.draw_network(network, output, f"{result.start.name} to {result.end.name}", order, force=force))


@app.command("common")
def common(
    first: Annotated[str, typer.Argument(help="One entity (quote names with spaces).", autocompletion=_complete_name)],
    second: Annotated[
        str, typer.Argument(help="The other entity (quote names with spaces).", autocompletion=_complete_name)
    ],
    fmt: FormatOption = "table",
    as_of: AsOfOption = None,
) -> None:
    """What two entities share: meetings and events together, offices both held, organisations, documents, people.

    Every shared item shows each side's relations to it, with dates and sources, strongest first.
    Example: sco-graph common "Zhang Ming" Norov
    """
    from sco_graph import queries

    _show(queries.common(_graph(), first, second, _date(as_of, "--as-of")), _format(fmt))


@app.command("timeline")
def timeline(
    name: Annotated[
        list[str] | None,
        typer.Argument(help="Entities whose events to list (all events when omitted).", autocompletion=_complete_name),
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="Earliest date: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    stop: Annotated[str | None, typer.Option("--to", help="Latest date: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    types: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            "-t",
            help="Only rows of this type (repeatable): meeting, summit, ..., membership, partnership, position, "
            "or fact (every dated fact); a leading '-' excludes instead (--type=-fact).",
        ),
    ] = None,
    fmt: FormatOption = "table",
    as_of: AsOfOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Events and dated facts in date order, each at its own precision; an organisation's include its organs'.

    The stated start or end of a membership, partnership or position is a row of
    its own (type "membership start", ...); a place's timeline takes in the
    events at the places inside it.

    With --output FILE.svg|png it draws a chart with a lane for each event type.
    Example: sco-graph timeline CSTO --from 2018
    """
    from sco_graph import queries

    if output is not None:
        from sco_graph.draw import TIMELINE_SUFFIXES, check_output

        check_output(output, TIMELINE_SUFFIXES, force=force)
    graph = _graph()
    names = queries.names_from_words(graph, name or [])
    result = queries.timeline(
        graph,
        names,
        start=_date(start, "--from"),
        stop=_date(stop, "--to"),
        types=types or [],
        as_of=_date(as_of, "--as-of"),
    )
    if output is None:
        _show(result, _format(fmt))
        return
    from sco_graph import draw

    _wrote(draw.draw_timeline(result, output, force=force))


@app.command("show")
def show(name: NameArgument, fmt: FormatOption = "table", as_of: AsOfOption = None) -> None:
    """An entity card: type, aliases, positions, memberships, events, counterparts and sources.

    Example: sco-graph show Mirzayev
    """
    from sco_graph import queries

    _show(queries.show(_graph(), _joined(name), _date(as_of, "--as-of")), _format(fmt))


@app.command("search")
def search(
    text: Annotated[list[str], typer.Argument(help="What to look for in names and aliases.")],
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many results.")] = 10,
    fmt: FormatOption = "table",
) -> None:
    """Fuzzy search over names and aliases, with scores from 0 to 100.

    Example: sco-graph search mirzoyev
    """
    from sco_graph import queries

    _show(queries.search(_graph(), _joined(text), limit), _format(fmt))


@app.command("members")
def members(
    organisation: Annotated[
        list[str],
        typer.Argument(help="One or more organisations (quote names with spaces).", autocompletion=_complete_name),
    ],
    status: Annotated[
        str | None, typer.Option("--status", "-s", help="member, observer, partner or applicant.")
    ] = None,
    fmt: FormatOption = "table",
    as_of: AsOfOption = None,
) -> None:
    """Who belonged to an organisation, with which status; on a date with --as-of.

    Example: sco-graph members SCO --as-of 2016-06-01
    """
    from sco_graph import queries

    graph = _graph()
    names = queries.names_from_words(graph, organisation)
    _show(queries.members(graph, names, _date(as_of, "--as-of"), status), _format(fmt))


@app.command("stats")
def stats(
    top: Annotated[int, typer.Option("--top", help="How many of the most connected entities to list.")] = 10,
    fmt: FormatOption = "table",
) -> None:
    """Counts by type, the most connected entities (degree, betweenness) and the dates covered.

    Example: sco-graph stats --top 5
    """
    from sco_graph import queries

    _show(queries.stats(_graph(), top), _format(fmt))


@app.command("validate")
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders to check, - for standard input (the bundled data when omitted)."),
    ] = None,
    syntax_only: Annotated[
        bool, typer.Option("--syntax-only", help="Only parse: report syntax errors with file:line:column.")
    ] = False,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format", help="The format of data read from standard input (-): turtle, ntriples or jsonld."
        ),
    ] = None,
    fmt: FormatOption = "table",
) -> None:
    """Check data: strict syntax, SHACL shapes, and dates (no end before start, no overlapping statuses).

    Exits 0 when everything conforms and 5 otherwise. A FILE of - is standard input (Turtle unless
    --input-format says otherwise).
    Example: sco-graph validate data/articles/004.ttl
    """
    from sco_graph.load import STDIN
    from sco_graph.validate import validate as run_validation

    if input_format is not None:
        STDIN.choose(input_format.lower())
    report = run_validation(list(files or []), syntax_only)
    _show(report, _format(fmt))
    if not report.conforms:
        raise typer.Exit(ExitCode.INVALID_DATA)


@app.command("draw")
def draw_command(
    name: Annotated[
        list[str] | None,
        typer.Argument(help="Entities to draw around (the whole graph when omitted).", autocompletion=_complete_name),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The picture: FILE.svg, FILE.png or FILE.html.")
    ] = Path(),
    depth: Annotated[int, typer.Option("--depth", "-d", help="How many hops around the entities (1 to 4).")] = 1,
    as_of: AsOfOption = None,
    force: ForceOption = False,
) -> None:
    """Draw the network around entities: nodes coloured by type, edges labelled with relation and date.

    HTML is one self-contained interactive page (pan, zoom, hover for sources) that works offline.
    Example: sco-graph draw CSTO --depth 2 --output csto.html
    """
    from sco_graph import draw, queries

    if output == Path():
        raise typer.BadParameter("--output FILE.svg|png|html is required")
    draw.check_output(output, force=force)
    graph = _graph()
    subjects, edges = queries.network_edges(
        graph, queries.names_from_words(graph, name or []), depth, _date(as_of, "--as-of")
    )
    title = ", ".join(subject.name for subject in subjects) or "sco-graph"
    picture = draw.draw_network(
        draw.network_of(edges),
        output,
        title + (f" as of {as_of}" if as_of else ""),
        force=force,
        ego=[subject.iri for subject in subjects],
    )
    _wrote(picture)


def _wrote(picture: "Picture") -> None:
    from sco_graph.escape import visible

    sys.stderr.write(f"{PROG}: wrote {visible(picture.path)} ({picture.nodes} nodes, {picture.edges} edges)\n")


@app.command("sparql")
def sparql(
    query: Annotated[
        str | None,
        typer.Argument(help="A SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query; - reads it from standard input."),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the query from this file (.rq); - is standard input.")
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Stop the query after this many seconds.")] = 30.0,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Show at most this many rows.")] = 1000,
    memory: Annotated[
        int, typer.Option("--memory", help="Stop the query when it needs more than this many MiB of memory.")
    ] = 1024,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="SELECT and ASK: table (default), json, csv, tsv, xml (W3C results formats) or jsonl. "
            "CONSTRUCT and DESCRIBE: turtle (default), ntriples, jsonld, or table, csv, jsonl rows.",
            case_sensitive=False,
        ),
    ] = None,
) -> None:
    """Run a read-only SPARQL query; updates, SERVICE and FROM are refused before anything runs.

    Rows cut at --limit are reported by a warning on stderr (the exit code stays 0).
    Example: sco-graph sparql 'SELECT ?name WHERE { ?p a sco:Person ; rdfs:label ?name }'
    """
    from sco_graph import sparql_output
    from sco_graph.sparql import check_read_only, read_query

    sparql_output.check_format(fmt)  # an unknown format is refused before anything runs

    if (query is None) == (file is None):
        raise typer.BadParameter("give a query or --file, not both and not neither")
    if not 0 < timeout <= 3600:
        raise typer.BadParameter(f"--timeout must be more than 0 and at most 3600 seconds ({timeout:g} given)")
    if not 1 <= limit <= 1_000_000:
        raise typer.BadParameter(f"--limit must be between 1 and 1000000 ({limit} given)")
    if not 16 <= memory <= 1_048_576:
        raise typer.BadParameter(f"--memory must be between 16 and 1048576 MiB ({memory} given)")
    if query == "-":  # the query comes from standard input, as with --file -
        query, file = None, Path("-")
    if query is None:
        assert file is not None
        if str(file) == "-" and Path("-") in SETTINGS.data:
            raise typer.BadParameter("standard input can hold the query or the --data, not both")
        query = read_query(file)
    text = check_read_only(query)
    result = _graph().store.run(text, limit, timeout, memory_mib=memory)
    try:
        chosen = sparql_output.choose_format(fmt, result.kind)
    except Exception:
        getattr(result.rows, "close", lambda: None)()  # stop the query: none of its rows will be read
        raise
    sparql_output.write_sparql(result, chosen, sys.stdout)
    if result.truncated:
        rows = "triples" if result.kind == "graph" else "rows"
        sys.stderr.write(f"{PROG}: warning: results cut at {limit} {rows}; raise --limit to see more\n")


@app.command("export")
def export(
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="turtle, ntriples, jsonld, graphml, gexf, csv, dot, cypher or neo4j"
            " (default: from --output, else turtle).",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (standard output when omitted).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output file.")] = False,
) -> None:
    """Export the whole RDF graph or the entity graph for other tools; deterministic and atomic.

    csv and neo4j (neo4j-admin import files) write edges to FILE and nodes to FILE's name
    with .nodes before the ending; cypher is a script for cypher-shell.
    Example: sco-graph export --output sco.graphml
    """
    from sco_graph import export as exporting
    from sco_graph.escape import visible
    from sco_graph.graph import local_only

    chosen = exporting.format_for(fmt, output)
    for planned in exporting.planned_paths(output, chosen) if output is not None else []:
        exporting.check_target(planned, force)  # refuse before the work, not after
    graph = _graph()
    local_only(graph, "export", "export from the server itself (a dump of the graph), or from local --data")
    if output is None:
        exporting.export_to_stream(graph, chosen, sys.stdout.buffer)
        sys.stdout.flush()
        return
    written = exporting.export_to_files(graph, chosen, output, force=force)
    for path, size in written.items():
        sys.stderr.write(f"{PROG}: wrote {visible(str(path))} ({size} bytes, {chosen})\n")


cache_app = typer.Typer(
    help="The cache of compiled stores: where it is, how big, and clearing it.", no_args_is_help=True
)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info(fmt: FormatOption = "table") -> None:
    """Where compiled stores live, how many there are and how much room they take.

    Example: sco-graph cache info
    """
    from sco_graph import cache

    _show(cache.info(), _format(fmt))


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete every compiled store no other run is using; the next run compiles the data again.

    Example: sco-graph cache clear
    """
    from sco_graph import cache

    cleared = cache.clear()
    message = f"removed {cleared.removed} compiled store{'s' if cleared.removed != 1 else ''}"
    if cleared.in_use:
        message += f"; {cleared.in_use} in use, left in place"
    if cleared.building:
        message += f"; {cleared.building} being built, left in place"
    sys.stderr.write(f"{PROG}: {message}\n")


def main() -> None:
    """Console-script entry point."""
    app()

"""The core stays a library: no CLI or terminal libraries, and lookups load no heavy ones."""

from __future__ import annotations

import subprocess
import sys

CORE = ["api", "cache", "centrality", "child", "confine", "dates", "errors", "graph", "http", "linkage", "load",
        "model", "name_patterns", "queries", "relations", "remote", "remote_names", "remote_paths", "remote_stats",
        "resolve", "results", "sandbox", "shacl", "store", "terms", "validate"]  # fmt: skip


def loaded_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    return set(output.split())


def test_the_core_imports_neither_typer_nor_rich() -> None:
    modules = loaded_after("\n".join(f"import sco_graph.{name}" for name in CORE))
    assert not {name for name in modules if name.split(".")[0] in {"typer", "rich", "click"}}


def test_a_lookup_does_not_import_heavy_libraries() -> None:
    modules = loaded_after(
        "from sco_graph import api, queries, render\n"
        "import io\n"
        "render.render(queries.who_met(api.open_graph(), 'Zhang Ming'), 'table', io.StringIO())"
    )
    heavy = {"rdflib", "networkx", "pyshacl", "rich", "pydantic", "rapidfuzz"}
    assert not {name for name in modules if name.split(".")[0] in heavy}

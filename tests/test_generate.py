"""The benchmark's synthetic data is valid data in the project's model, with connected samples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sco_graph import api, queries
from sco_graph.validate import validate

GENERATOR = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"


def test_generated_data_validates_loads_and_links_its_samples(tmp_path: Path) -> None:
    output = tmp_path / "synthetic.ttl"
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--triples", "3000", "--output", str(output)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    samples = json.loads(result.stdout.strip().splitlines()[-1])["samples"]
    report = validate([output])
    assert report.conforms, report.problems[:5]
    assert 3000 <= report.triples < 3100
    graph = api.open_graph([output], bundled=False)
    assert queries.who_met(graph, samples[0]).meetings
    assert queries.path(graph, samples[0], samples[1]).paths
    assert graph.resolve(samples[2]).type == "organisation"

"""Write synthetic sco-graph data in the project's own model, for benchmarks.

    python benchmarks/generate.py --triples 100000 --output /tmp/synthetic.ttl

People, organisations with organs, countries, places, sources, meetings,
signings, memberships and positions, every fact with evidence, degrees skewed
as in real event data (a few hubs, a long tail). The output validates under
``sco-graph validate`` and loads with ``sco-graph --no-bundled --data FILE``.
The last line on stdout is JSON naming entities to ask about, connected by a
path: ``{"samples": ["name one", "name two", ...]}``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

PREFIXES = """@prefix sco: <https://w3id.org/sco-graph/def#> .
@prefix e: <https://w3id.org/sco-graph/id/> .
@prefix ev: <https://w3id.org/sco-graph/event/> .
@prefix f: <https://w3id.org/sco-graph/fact/> .
@prefix src: <https://w3id.org/sco-graph/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
"""
SYLLABLES = ["ka", "ra", "mi", "to", "se", "lu", "na", "vo", "de", "ri", "sha", "zu", "bek", "lan", "dor", "vin", "tal"]
STATUSES = ["member", "observer", "partner"]
ROLES = ["Secretary-General", "Director", "Chairman", "Deputy Chairman", "Special Representative", "Minister"]


def word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Writer:
    """Counts triples as it writes them."""

    def __init__(self, stream: object) -> None:
        self.stream = stream
        self.triples = 0

    def node(self, subject: str, pairs: list[tuple[str, str]], source: str, snippet: str) -> None:
        body = " ;\n    ".join(f"{predicate} {value}" for predicate, value in pairs)
        evidence = f"sco:evidence [ sco:source {source} ; sco:quote {quote(snippet)} ]"
        self.stream.write(f"{subject} {body} ;\n    {evidence} .\n")  # type: ignore[attr-defined]
        self.triples += len(pairs) + 3


def day(rng: random.Random) -> tuple[str, str]:
    """A date at a random precision, as a typed literal."""
    year, month, date = rng.randint(2001, 2024), rng.randint(1, 12), rng.randint(1, 28)
    precision = rng.random()
    if precision < 0.8:
        return f'"{year:04d}-{month:02d}-{date:02d}"^^xsd:date', f"{year:04d}-{month:02d}-{date:02d}"
    if precision < 0.95:
        return f'"{year:04d}-{month:02d}"^^xsd:gYearMonth', f"{year:04d}-{month:02d}"
    return f'"{year:04d}"^^xsd:gYear', f"{year:04d}"


def generate(target: int, stream: object, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = Writer(stream)
    out.stream.write(PREFIXES)  # type: ignore[attr-defined]
    scale = max(1, target // 1000)
    n_people, n_orgs, n_countries = 12 * scale + 10, scale + 4, min(200, 10 + scale // 4)
    n_places, n_sources = 2 * scale + 5, max(5, scale)
    for number in range(n_sources):
        pairs = [("a", "sco:Article"), ("schema:headline", quote(f"Synthetic report {number}")),
                 ("schema:publisher", quote("Synthetic Wire")), ("schema:datePublished", '"2024-01-01"^^xsd:date')]  # fmt: skip
        out.stream.write(f"src:s{number} " + " ;\n    ".join(f"{p} {v}" for p, v in pairs) + " .\n")  # type: ignore[attr-defined]
        out.triples += len(pairs)

    def source() -> str:
        return f"src:s{rng.randrange(n_sources)}"

    people = [f"{word(rng, 2)} {word(rng, 3)} {number}" for number in range(n_people)]
    for number, name in enumerate(people):
        out.node(f"e:p{number}", [("a", "sco:Person"), ("rdfs:label", quote(name))], source(), f"{name} said")
    orgs = [f"{word(rng, 2)} Organisation {number}" for number in range(n_orgs)]
    for number, name in enumerate(orgs):
        out.node(f"e:o{number}", [("a", "sco:Organisation"), ("rdfs:label", quote(name))], source(), name)
        out.node(f"e:o{number}-secretariat", [("a", "sco:Organ"), ("rdfs:label", quote(f"{name} Secretariat")),
                 ("sco:partOf", f"e:o{number}")], source(), f"the {name} Secretariat")  # fmt: skip
    for number in range(n_countries):
        name = f"{word(rng, 3)}stan {number}"
        out.node(f"e:c{number}", [("a", "sco:Country"), ("rdfs:label", quote(name))], source(), name)
    for number in range(n_places):
        name = f"{word(rng, 2)}grad {number}"
        out.node(f"e:l{number}", [("a", "sco:Place"), ("rdfs:label", quote(name))], source(), f"in {name}")

    def skewed(count: int) -> int:
        """A few hubs, a long tail: the chance of rank r falls like 1/r (log-uniform ranks)."""
        return min(count - 1, int(count ** rng.random()) - 1)

    for number in range(n_countries):
        for org in rng.sample(range(n_orgs), k=min(n_orgs, 2)):
            date, _ = day(rng)
            out.node(f"f:m{number}-{org}", [("a", "sco:Membership"), ("sco:member", f"e:c{number}"),
                     ("sco:organisation", f"e:o{org}"), ("sco:status", f"sco:{rng.choice(STATUSES)}"),
                     ("sco:start", date)], source(), "joined the organisation")  # fmt: skip
    for number in range(n_people):
        date, _ = day(rng)
        out.node(f"f:pos{number}", [("a", "sco:Position"), ("sco:holder", f"e:p{number}"),
                 ("sco:organisation", f"e:o{skewed(n_orgs)}"), ("sco:role", quote(rng.choice(ROLES))),
                 ("sco:attested", f'"{rng.randint(2001, 2024)}-06-01"^^xsd:date')],
                 source(), "holds the post")  # fmt: skip
    number = 0
    while out.triples < target:
        kind = rng.random()
        date, _ = day(rng)
        if kind < 0.8:
            a, b = skewed(n_people), rng.randrange(n_people)
            if a == b:
                continue
            pairs = [("a", "sco:Meeting"), ("rdfs:label", quote(f"{people[a]} meets {people[b]}")), ("sco:date", date),
                     ("sco:participant", f"e:p{a}, e:p{b}"), ("sco:place", f"e:l{rng.randrange(n_places)}"),
                     ("sco:cameo", '"040"')]  # fmt: skip
            out.node(f"ev:x{number}", pairs, source(), f"{people[a]} met {people[b]}")
            out.triples += 1  # the second participant
        else:
            a, b = rng.sample(range(n_orgs), 2)
            pairs = [("a", "sco:Signing"), ("rdfs:label", quote(f"Agreement {number}")), ("sco:date", date),
                     ("sco:signatory", f"e:o{a}-secretariat, e:o{b}-secretariat"), ("sco:cameo", '"057"')]  # fmt: skip
            out.node(f"ev:x{number}", pairs, source(), "signed an agreement")
            out.triples += 1
        number += 1
    # Samples: two people in the top 1% by connections (hubs answer with hundreds of rows), and an organisation.
    return [people[100], people[101], orgs[1]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, required=True, help="about how many triples to write")
    parser.add_argument("--output", type=Path, required=True, help="the Turtle file to write")
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    if arguments.triples < 100:
        parser.error("--triples must be at least 100")
    with arguments.output.open("w", encoding="utf-8") as stream:
        samples = generate(arguments.triples, stream, arguments.seed)
    print(json.dumps({"samples": samples}), file=sys.stdout)


if __name__ == "__main__":
    main()

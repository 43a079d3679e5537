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

from sco_graph.model import TURTLE_PREFIXES as PREFIXES

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


class World:
    """The entities of a synthetic dataset and a seeded random source."""

    def __init__(self, target: int, out: Writer, seed: int) -> None:
        self.rng = random.Random(seed)
        self.out = out
        scale = max(1, target // 1000)
        self.n_people, self.n_orgs = 12 * scale + 10, scale + 4
        self.n_countries, self.n_places, self.n_sources = min(200, 10 + scale // 4), 2 * scale + 5, max(5, scale)
        self.people = [f"{word(self.rng, 2)} {word(self.rng, 3)} {n}" for n in range(self.n_people)]
        self.orgs = [f"{word(self.rng, 2)} Organisation {n}" for n in range(self.n_orgs)]

    def source(self) -> str:
        return f"src:s{self.rng.randrange(self.n_sources)}"

    def skewed(self, count: int) -> int:
        """A few hubs, a long tail: the chance of rank r falls like 1/r (log-uniform ranks)."""
        return min(count - 1, int(count ** self.rng.random()) - 1)


def write_sources(world: World) -> None:
    for number in range(world.n_sources):
        pairs = [
            ("a", "sco:Article"),
            ("schema:headline", quote(f"Synthetic report {number}")),
            ("schema:publisher", quote("Synthetic Wire")),
            ("schema:datePublished", '"2025-01-01"^^xsd:date'),  # after every generated event
        ]
        world.out.stream.write(f"src:s{number} " + " ;\n    ".join(f"{p} {v}" for p, v in pairs) + " .\n")  # type: ignore[attr-defined]
        world.out.triples += len(pairs)


def write_entities(world: World) -> None:
    out, rng = world.out, world.rng
    for number, name in enumerate(world.people):
        out.node(f"e:p{number}", [("a", "sco:Person"), ("rdfs:label", quote(name))], world.source(), f"{name} said")
    for number, name in enumerate(world.orgs):
        out.node(f"e:o{number}", [("a", "sco:Organisation"), ("rdfs:label", quote(name))], world.source(), name)
        organ = [("a", "sco:Organ"), ("rdfs:label", quote(f"{name} Secretariat")), ("sco:partOf", f"e:o{number}")]
        out.node(f"e:o{number}-secretariat", organ, world.source(), f"the {name} Secretariat")
    for number in range(world.n_countries):
        name = f"{word(rng, 3)}stan {number}"
        out.node(f"e:c{number}", [("a", "sco:Country"), ("rdfs:label", quote(name))], world.source(), name)
    for number in range(world.n_places):
        name = f"{word(rng, 2)}grad {number}"
        out.node(f"e:l{number}", [("a", "sco:Place"), ("rdfs:label", quote(name))], world.source(), f"in {name}")


def write_facts(world: World) -> None:
    out, rng = world.out, world.rng
    for number in range(world.n_countries):
        for org in rng.sample(range(world.n_orgs), k=min(world.n_orgs, 2)):
            date, _ = day(rng)
            pairs = [("a", "sco:Membership"), ("sco:member", f"e:c{number}"), ("sco:organisation", f"e:o{org}"),
                     ("sco:status", f"sco:{rng.choice(STATUSES)}"), ("sco:start", date)]  # fmt: skip
            out.node(f"f:m{number}-{org}", pairs, world.source(), "joined the organisation")
    for number in range(world.n_people):
        pairs = [("a", "sco:Position"), ("sco:holder", f"e:p{number}"),
                 ("sco:organisation", f"e:o{world.skewed(world.n_orgs)}"), ("sco:role", quote(rng.choice(ROLES))),
                 ("sco:attested", f'"{rng.randint(2001, 2024)}-06-01"^^xsd:date')]  # fmt: skip
        out.node(f"f:pos{number}", pairs, world.source(), "holds the post")


def write_events(world: World, target: int) -> None:
    out, rng, people = world.out, world.rng, world.people
    number = 0
    while out.triples < target:
        date, _ = day(rng)
        if rng.random() < 0.8:
            a, b = world.skewed(world.n_people), rng.randrange(world.n_people)
            if a == b:
                continue
            pairs = [("a", "sco:Meeting"), ("rdfs:label", quote(f"{people[a]} meets {people[b]}")), ("sco:date", date),
                     ("sco:participant", f"e:p{a}, e:p{b}"), ("sco:place", f"e:l{rng.randrange(world.n_places)}"),
                     ("sco:cameo", '"040"')]  # fmt: skip
            out.node(f"ev:x{number}", pairs, world.source(), f"{people[a]} met {people[b]}")
        else:
            a, b = rng.sample(range(world.n_orgs), 2)
            pairs = [("a", "sco:Signing"), ("rdfs:label", quote(f"Agreement {number}")), ("sco:date", date),
                     ("sco:signatory", f"e:o{a}-secretariat, e:o{b}-secretariat"), ("sco:cameo", '"057"')]  # fmt: skip
            out.node(f"ev:x{number}", pairs, world.source(), "signed an agreement")
        out.triples += 1  # the second participant or signatory
        number += 1


def generate(target: int, stream: object, seed: int = 7) -> list[str]:
    """Write about ``target`` triples to ``stream``; return sample names linked by paths."""
    out = Writer(stream)
    out.stream.write(PREFIXES)  # type: ignore[attr-defined]
    world = World(target, out, seed)
    write_sources(world)
    write_entities(world)
    write_facts(world)
    write_events(world, target)
    # Two people in the top 1% by connections (hubs answer with hundreds of rows), and an organisation.
    rank = min(100, len(world.people) // 3)
    return [world.people[rank], world.people[rank + 1], world.orgs[1]]


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

"""The vocabulary: namespaces, IRIs and the names of classes, relations and statuses.

This is the one place where IRIs are defined. It imports nothing heavy so that
every other module, and the CLI's start-up, can use it for free.
"""

from __future__ import annotations

BASE = "https://w3id.org/sco-graph/"
SCO = BASE + "def#"
ID = BASE + "id/"
EVENT = BASE + "event/"
FACT = BASE + "fact/"
SOURCE = BASE + "source/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES: dict[str, str] = {
    "sco": SCO,
    "e": ID,
    "ev": EVENT,
    "f": FACT,
    "src": SOURCE,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "skos": SKOS,
    "schema": SCHEMA,
    "org": ORG,
    "prov": PROV,
    "owl": OWL,
}

SPARQL_PREFIXES = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
TURTLE_PREFIXES = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items())

# Entity classes, most specific first, with the type name users see and type.
ENTITY_TYPES: dict[str, str] = {
    SCO + "UnnamedOfficeHolder": "unnamed office holder",
    SCO + "Person": "person",
    SCO + "Organ": "organ",
    SCO + "Organisation": "organisation",
    SCO + "Country": "country",
    SCO + "Place": "place",
    SCO + "Memorandum": "memorandum",
    SCO + "Strategy": "strategy",
    SCO + "Appeal": "appeal",
    SCO + "Programme": "programme",
    SCO + "Document": "document",
    SCO + "Initiative": "initiative",
}

EVENT_TYPES: dict[str, str] = {
    SCO + "Meeting": "meeting",
    SCO + "Summit": "summit",
    SCO + "Signing": "signing",
    SCO + "Interview": "interview",
    SCO + "Proposal": "proposal",
    SCO + "Statement": "statement",
    SCO + "Founding": "founding",
    SCO + "Admission": "admission",
    SCO + "Application": "application",
    SCO + "Exercise": "exercise",
    SCO + "Event": "event",
}

FACT_TYPES: dict[str, str] = {
    SCO + "Position": "position",
    SCO + "Membership": "membership",
    SCO + "Partnership": "partnership",
}

STATUSES: dict[str, str] = {
    SCO + "member": "member",
    SCO + "observer": "observer",
    SCO + "partner": "partner",
    SCO + "applicant": "applicant",
}
# Statuses that rank a member's standing; they never overlap for one member and
# organisation. "applicant" runs alongside them (an observer may apply to join).
STANDING_STATUSES = ("member", "observer", "partner")

# CAMEO event codes used by the data, with their CAMEO names.
CAMEO: dict[str, str] = {
    "010": "Make statement",
    "013": "Make optimistic comment",
    "021": "Appeal for material cooperation",
    "0211": "Appeal for economic cooperation",
    "030": "Express intent to cooperate",
    "036": "Express intent to meet or negotiate",
    "040": "Consult",
    "042": "Make a visit",
    "043": "Host a visit",
    "044": "Meet at a third location",
    "051": "Praise or endorse",
    "057": "Sign formal agreement",
    "062": "Cooperate militarily",
}


def type_name(class_iris: set[str] | list[str], table: dict[str, str]) -> str | None:
    """The user-facing name of the most specific class in ``table`` among ``class_iris``."""
    for iri, name in table.items():
        if iri in class_iris:
            return name
    return None


def short_iri(iri: str) -> str:
    """Compact an IRI with the project's prefixes (``e:zhang-ming``)."""
    for name, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{name}:{iri[len(namespace) :]}"
    return iri

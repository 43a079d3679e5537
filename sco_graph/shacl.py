"""SHACL Core checks run inside a pyoxigraph store, one constraint at a time over every focus node.

sco-graph's shapes (``data/shapes.ttl``) use part of SHACL Core: targets by
class, by subject or object of a predicate and by node; property shapes whose
path is a predicate or its inverse; and the constraint components in
``PARAMETERS``. :func:`read_shapes` reads a shapes file and refuses one that
uses anything else (:class:`UnsupportedShapesError`), so no constraint is ever
silently skipped. :func:`check` evaluates the shapes set at a time: each
constraint is tested once for all the value nodes it concerns, and each
predicate's triples are read from the store in one scan, so a million triples
are checked in seconds without a second copy of the graph in memory.

Results follow the SHACL specification: each names its focus node and path,
carries the ``sh:message`` of the shape that produced it (or a default one),
and an ``sh:node`` result carries the nested shape's results as details.
Nothing here prints or decides how a result is shown.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from sco_graph.errors import DataError

if TYPE_CHECKING:
    import pyoxigraph as ox

    Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
    Failing: TypeAlias = dict[Term, tuple["Result", ...]]

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = RDF + "type"
SUBCLASS_OF = RDFS + "subClassOf"

TARGETS = ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")
# The constraint components checked, each with its parameter; sh:flags goes with sh:pattern.
PARAMETERS = ("class", "datatype", "nodeKind", "minCount", "maxCount", "minLength", "maxLength", "pattern", "in",
              "hasValue", "node", "or", "and", "not")  # fmt: skip
# Shape properties that describe rather than constrain (sh:severity is read but every result is reported).
DESCRIPTIVE = ("message", "severity", "name", "description", "order", "group", "deactivated", "flags", "path",
               "property", "defaultValue", *TARGETS)  # fmt: skip
NODE_KINDS = {
    "IRI": (True, False, False),
    "BlankNode": (False, True, False),
    "Literal": (False, False, True),
    "BlankNodeOrIRI": (True, True, False),
    "BlankNodeOrLiteral": (False, True, True),
    "IRIOrLiteral": (True, False, True),
}
# Lexical forms of the datatypes whose literals can be ill-formed in data sco-graph reads; a literal of one of
# them that does not match is not a value of the datatype (SHACL's sh:datatype requires a well-formed literal).
_TIME_ZONE = r"(Z|[+-][0-9]{2}:[0-9]{2})?"
LEXICAL_FORMS = {
    XSD + "boolean": re.compile(r"true|false|1|0"),
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"),
    XSD + "date": re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}" + _TIME_ZONE),
    XSD + "gYearMonth": re.compile(r"-?[0-9]{4,}-[0-9]{2}" + _TIME_ZONE),
    XSD + "gYear": re.compile(r"-?[0-9]{4,}" + _TIME_ZONE),
}
# Above this many focus nodes, a predicate's triples are read in one scan instead of one look-up per node.
SCAN_ABOVE = 2000


class UnsupportedShapesError(DataError):
    """The shapes file uses a part of SHACL that :mod:`sco_graph.shacl` does not check."""


@dataclass(frozen=True)
class Result:
    """One SHACL validation result: the focus node, the path (for a property shape) and the message."""

    focus: Term
    path: str | None  # the predicate's IRI, after a ``^`` for an inverse path
    message: str
    details: tuple[Result, ...] = ()


@dataclass
class Shape:
    """A node shape (no path) or a property shape, with what it targets and what it requires."""

    node: Term
    name: str
    path: tuple[str, bool] | None = None  # the predicate, and whether the path is its inverse
    message: str | None = None
    deactivated: bool = False
    targets: list[tuple[str, Term]] = field(default_factory=list)
    constraints: list[tuple[str, object]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)


@dataclass
class Shapes:
    """The shapes that have targets (the others are reached through sh:node, sh:or and the like)."""

    roots: list[Shape]
    prefixes: dict[str, str]

    def short(self, iri: str) -> str:
        for name, namespace in self.prefixes.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{name}:{iri[len(namespace) :]}"
        return f"<{iri}>"


def read_shapes(path: Path) -> Shapes:
    """The shapes in the Turtle file ``path``; a shape using what this module does not check is refused."""
    import pyoxigraph as ox

    parser = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    described: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for triple in parser:
        described[triple.subject][triple.predicate.value].append(triple.object)
    reader = _ShapeReader(described, dict(parser.prefixes))
    roots = [
        reader.shape(node)
        for node, properties in described.items()
        if any(SH + target in properties for target in TARGETS) or _is_class(properties)
    ]
    return Shapes(sorted(roots, key=lambda shape: str(shape.node)), reader.prefixes)


def _is_class(properties: dict[str, list[Term]]) -> bool:
    """Whether a shape is also a class, which makes its instances its targets (implicit class targets)."""
    kinds = {_text(kind) for kind in properties.get(RDF_TYPE, [])}
    return bool(kinds & {RDFS + "Class", "http://www.w3.org/2002/07/owl#Class"}) and SH + "NodeShape" in kinds


class _ShapeReader:
    def __init__(self, described: dict[Term, dict[str, list[Term]]], prefixes: dict[str, str]) -> None:
        self.described = described
        self.prefixes = prefixes
        self.shapes: dict[Term, Shape] = {}

    def _name(self, node: Term) -> str:
        iri = _text(node) if _is_iri(node) else None
        return Shapes([], self.prefixes).short(iri) if iri else "a nested shape"

    def shape(self, node: Term) -> Shape:
        if node in self.shapes:
            return self.shapes[node]
        properties = self.described.get(node, {})
        shape = Shape(node, self._name(node))
        self.shapes[node] = shape  # before reading constraints: shapes may refer to each other
        for key in properties:
            if key.startswith(SH) and key[len(SH) :] not in PARAMETERS + DESCRIPTIVE:
                raise UnsupportedShapesError(f"{shape.name} uses sh:{key[len(SH) :]}, which sco-graph cannot check")
        shape.path = self._path(shape, properties.get(SH + "path", []))
        messages = sorted(
            properties.get(SH + "message", []), key=lambda term: (_language(term) not in ("", "en"), str(term))
        )
        shape.message = _text(messages[0]) if messages else None
        shape.deactivated = any(_text(term) == "true" for term in properties.get(SH + "deactivated", []))
        shape.targets = [(target, value) for target in TARGETS for value in properties.get(SH + target, [])]
        if _is_class(properties):
            shape.targets.append(("targetClass", node))
        shape.properties = [self.shape(value) for value in properties.get(SH + "property", [])]
        for parameter in PARAMETERS:
            for value in properties.get(SH + parameter, []):
                try:
                    shape.constraints.append((parameter, self._parameter(shape, parameter, value, properties)))
                except (ValueError, re.error) as error:  # a count that is not a number, a pattern that is not one
                    raise UnsupportedShapesError(f"{shape.name} has an unreadable sh:{parameter} ({error})") from None
        return shape

    def _path(self, shape: Shape, paths: list[Term]) -> tuple[str, bool] | None:
        if not paths:
            return None
        path = paths[0]
        if len(paths) == 1 and _is_iri(path):
            return _text(path) or "", False
        inverse = self.described.get(path, {}).get(SH + "inversePath", [])
        if len(paths) == 1 and len(inverse) == 1 and _is_iri(inverse[0]) and len(self.described[path]) == 1:
            return _text(inverse[0]) or "", True
        raise UnsupportedShapesError(f"{shape.name} has a path other than a predicate or its inverse")

    def _parameter(self, shape: Shape, parameter: str, value: Term, properties: dict[str, list[Term]]) -> object:
        if parameter in ("node", "not"):
            return self.shape(value)
        if parameter in ("or", "and", "in"):
            members = self._list(value)
            return frozenset(members) if parameter == "in" else [self.shape(member) for member in members]
        if parameter in ("hasValue",):
            return value
        text = _text(value) or ""
        if parameter == "pattern":
            flags = properties.get(SH + "flags", [])
            return _regex(text, _text(flags[0]) or "" if flags else "")
        if parameter == "nodeKind" and text.removeprefix(SH) not in NODE_KINDS:
            raise UnsupportedShapesError(f"{shape.name} names an unknown sh:nodeKind {value}")
        readers: dict[str, Callable[[str], object]] = {
            "minCount": int, "maxCount": int, "minLength": int, "maxLength": int,
            "nodeKind": lambda kind: kind.removeprefix(SH),
        }  # fmt: skip
        return readers.get(parameter, str)(text)  # sh:class and sh:datatype: the IRI

    def _list(self, head: Term) -> list[Term]:
        members: list[Term] = []
        while _text(head) != RDF + "nil":
            properties = self.described.get(head, {})
            first, rest = properties.get(RDF + "first", []), properties.get(RDF + "rest", [])
            if len(first) != 1 or len(rest) != 1 or len(members) > len(self.described):
                raise ValueError("a malformed RDF list")
            members.append(first[0])
            head = rest[0]
        return members


def _regex(pattern: str, flags: str) -> re.Pattern[str]:
    """An XPath regular expression (as sh:pattern uses) for Python's ``re``: ``$`` ends the text, no earlier."""
    options = 0
    for flag, option in (("i", re.IGNORECASE), ("m", re.MULTILINE), ("s", re.DOTALL), ("x", re.VERBOSE)):
        if flag in flags:
            options |= option
    if "q" in flags:
        return re.compile(re.escape(pattern), options)
    if "m" not in flags:  # Python's $ also matches before a final line break; XPath's does not
        pattern = _end_anchors(pattern)
    return re.compile(pattern, options)


def _end_anchors(pattern: str) -> str:
    """``pattern`` with each ``$`` outside a character class and not escaped made ``\\Z`` (the very end)."""
    out, escaped, in_class = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            out.append("\\Z")
            continue
        out.append(char)
    return "".join(out)


def _is_iri(term: object) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.NamedNode)


def _text(term: Term) -> str | None:
    """An IRI's or a literal's text; None for a blank node or a quoted triple, which have none to compare."""
    import pyoxigraph as ox

    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else None


def _language(term: Term) -> str:
    import pyoxigraph as ox

    return (term.language or "") if isinstance(term, ox.Literal) else ""


def check(store: ox.Store, shapes: Shapes) -> list[Result]:
    """Every result of validating the data in ``store`` against ``shapes`` (no inference; subclasses count)."""
    checker = _Checker(store, shapes)
    results: list[Result] = []
    for shape in shapes.roots:
        for found in checker.evaluate(shape, checker.targets(shape)).values():
            results.extend(found)
    return results


class _Checker:
    """Evaluates shapes on sets of nodes; remembers each class's instances for the run."""

    def __init__(self, store: ox.Store, shapes: Shapes) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.store = store
        self.shapes = shapes
        self._instances: dict[str, set[Term]] = {}
        self._subclasses: dict[str, list[str]] | None = None

    # Reading the data

    def _scan(self, predicate: str | None, subject: Term | None = None, obj: Term | None = None) -> Iterable[ox.Quad]:
        named = self.ox.NamedNode(predicate) if predicate else None
        return self.store.quads_for_pattern(subject, named, obj)  # type: ignore[arg-type]

    def values(self, nodes: Collection[Term], path: tuple[str, bool]) -> dict[Term, list[Term]]:
        """Each node's value nodes along ``path`` (distinct, in store order)."""
        predicate, inverse = path
        found: dict[Term, list[Term]] = {node: [] for node in nodes}
        if len(nodes) > SCAN_ABOVE:
            for quad in self._scan(predicate):
                key, value = (quad.object, quad.subject) if inverse else (quad.subject, quad.object)
                if key in found:
                    found[key].append(value)
        else:
            for node in nodes:
                if inverse:
                    found[node] = [quad.subject for quad in self._scan(predicate, obj=node)]
                elif not isinstance(node, self.ox.Literal):
                    found[node] = [quad.object for quad in self._scan(predicate, subject=node)]
        return {node: list(dict.fromkeys(values)) if len(values) > 1 else values for node, values in found.items()}

    def instances(self, cls: str) -> set[Term]:
        """The SHACL instances of ``cls``: nodes typed with it or with one of its subclasses."""
        if cls not in self._instances:
            if self._subclasses is None:
                self._subclasses = defaultdict(list)
                for quad in self._scan(SUBCLASS_OF):
                    sub, sup = _text(quad.subject), _text(quad.object)
                    if sub is not None and sup is not None:
                        self._subclasses[sup].append(sub)
            classes, pending = {cls}, [cls]
            while pending:
                for sub in self._subclasses.get(pending.pop(), []):
                    if sub not in classes:
                        classes.add(sub)
                        pending.append(sub)
            members: set[Term] = set()
            for name in classes:
                members.update(quad.subject for quad in self._scan(RDF_TYPE, obj=self.ox.NamedNode(name)))
            self._instances[cls] = members
        return self._instances[cls]

    def targets(self, shape: Shape) -> set[Term]:
        nodes: set[Term] = set()
        for kind, value in shape.targets:
            iri = _text(value) or ""
            if kind == "targetClass":
                nodes |= self.instances(iri)
            elif kind == "targetSubjectsOf":
                nodes.update(quad.subject for quad in self._scan(iri))
            elif kind == "targetObjectsOf":
                nodes.update(quad.object for quad in self._scan(iri))
            else:
                nodes.add(value)
        return nodes

    # Evaluating shapes

    def evaluate(self, shape: Shape, nodes: set[Term]) -> dict[Term, list[Result]]:
        """The results of ``shape`` for each of ``nodes`` that does not conform (conforming nodes are absent)."""
        found: dict[Term, list[Result]] = defaultdict(list)
        if shape.deactivated or not nodes:
            return found
        values = self.values(nodes, shape.path) if shape.path else {node: [node] for node in nodes}
        path = ("^" if shape.path[1] else "") + shape.path[0] if shape.path else None
        for component, parameter in shape.constraints:
            if component in ("minCount", "maxCount") or (component == "hasValue" and shape.path):
                for focus, given in values.items():
                    if _count_fails(component, parameter, given):
                        found[focus].append(Result(focus, path, self._message(shape, component, parameter, None)))
                continue
            every = {value for given in values.values() for value in given}
            failing = self._failing(component, parameter, every)
            for focus, given in values.items():
                for value in given:
                    if value in failing:  # a node shape's value is its focus node, which the result names
                        message = self._message(shape, component, parameter, value if shape.path else None)
                        found[focus].append(Result(focus, path, message, failing[value]))
        for nested in shape.properties:
            for focus, results in self.evaluate(nested, nodes).items():
                found[focus].extend(results)
        return found

    def _failing(self, component: str, parameter: object, values: set[Term]) -> Failing:
        """The value nodes that fail one constraint, each with the details of its failure."""
        if component in ("node", "not", "or", "and"):
            return self._failing_shapes(component, parameter, values)
        test = self._value_test(component, parameter)
        return {value: () for value in values if not test(value)}

    def _failing_shapes(self, component: str, parameter: object, values: set[Term]) -> Failing:
        if component == "node":
            assert isinstance(parameter, Shape)
            return {value: tuple(results) for value, results in self.evaluate(parameter, values).items()}
        if component == "not":
            assert isinstance(parameter, Shape)
            return dict.fromkeys(values - set(self.evaluate(parameter, values)), ())
        assert isinstance(parameter, list)
        if component == "or":
            failing = set(values)
            for member in parameter:
                failing &= set(self.evaluate(member, failing))
            return dict.fromkeys(failing, ())
        failing = set()
        for member in parameter:
            failing |= set(self.evaluate(member, values))
        return dict.fromkeys(failing, ())

    def _value_test(self, component: str, parameter: object) -> Callable[[Term], bool]:
        """Whether one value node satisfies a constraint that looks at that node alone."""
        ox = self.ox
        if component == "class":
            members = self.instances(str(parameter))
            return lambda value: not isinstance(value, ox.Literal) and value in members
        if component == "nodeKind":
            iri, blank, literal = NODE_KINDS[str(parameter)]
            kinds = tuple(kind for kind, wanted in zip((ox.NamedNode, ox.BlankNode, ox.Literal), (iri, blank, literal),
                                                       strict=True) if wanted)  # fmt: skip
            return lambda value: isinstance(value, kinds)
        if component in ("minLength", "maxLength", "pattern"):
            return _text_test(component, parameter)
        if component in ("in", "datatype"):
            return (
                (lambda value: value in parameter)
                if isinstance(parameter, frozenset)
                else _datatype_test(str(parameter))
            )
        return lambda value: value == parameter  # sh:hasValue on a node shape

    def _message(self, shape: Shape, component: str, parameter: object, value: Term | None) -> str:
        """The shape's sh:message, or a plain description of the failed constraint."""
        if shape.message is not None:
            return shape.message
        short = self.shapes.short
        shown = "" if value is None else f"{_term_text(value, short)} "
        if component == "minCount":
            return f"needs at least {parameter} value(s)"
        if component == "maxCount":
            return f"has more than {parameter} value(s)"
        if component == "hasValue":
            return f"does not have the value {_term_text(parameter, short)}"  # type: ignore[arg-type]
        if component in ("node", "not"):
            assert isinstance(parameter, Shape)
            verb = "does not conform to" if component == "node" else "conforms to, but must not,"
            return f"{shown}{verb} {parameter.name}"
        descriptions = {
            "class": f"is not a {short(str(parameter))}",
            "datatype": f"is not a well-formed {short(str(parameter))}",
            "nodeKind": f"is not a {parameter}",
            "minLength": f"is shorter than {parameter} characters",
            "maxLength": f"is longer than {parameter} characters",
            "pattern": f"does not match {getattr(parameter, 'pattern', parameter)}",
            "in": "is not one of the allowed values",
            "or": "conforms to none of the alternatives",
            "and": "does not conform to all of the required shapes",
        }
        return f"{shown}{descriptions[component]}"


def _count_fails(component: str, parameter: object, given: list[Term]) -> bool:
    if component == "hasValue":  # on a property shape: one of the values must be it
        return parameter not in given
    limit = parameter if isinstance(parameter, int) else 0
    return len(given) < limit if component == "minCount" else len(given) > limit


def _text_test(component: str, parameter: object) -> Callable[[Term], bool]:
    """sh:minLength, sh:maxLength and sh:pattern: on the text of an IRI or a literal (a blank node fails)."""
    if isinstance(parameter, re.Pattern):
        pattern = parameter
        return lambda value: (text := _text(value)) is not None and pattern.search(text) is not None
    limit = parameter if isinstance(parameter, int) else 0
    if component == "maxLength":
        return lambda value: (text := _text(value)) is not None and len(text) <= limit
    return lambda value: (text := _text(value)) is not None and len(text) >= limit


def _datatype_test(datatype: str) -> Callable[[Term], bool]:
    """A literal of ``datatype`` whose text is well-formed for it (when sco-graph knows the lexical form)."""
    import pyoxigraph as ox

    form = LEXICAL_FORMS.get(datatype)

    def test(value: Term) -> bool:
        if not isinstance(value, ox.Literal) or value.datatype.value != datatype:
            return False
        return form is None or form.fullmatch(value.value) is not None

    return test


def _term_text(term: Term, short: Callable[[str], str], limit: int = 40) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return short(term.value)
    if not isinstance(term, ox.Literal):
        return "a blank node"
    text = term.value if len(term.value) <= limit else term.value[: limit - 3] + "..."
    return f'"{text}"'

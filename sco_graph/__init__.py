"""sco-graph: a sourced, dated knowledge graph of the Shanghai Cooperation Organisation's relations.

The package is a library first: :mod:`sco_graph.api` opens the data and answers
queries with plain result objects; :mod:`sco_graph.cli` is a thin mirror of it.
"""

__version__ = "0.1.0"

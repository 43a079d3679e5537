"""``python -m sco_graph`` runs the command-line interface."""

from sco_graph.cli import main

main()

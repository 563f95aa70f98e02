"""Sub-graphs compared as a user sees them, for tests of restoring exported recipes."""

from __future__ import annotations

import json

import networkx as nx

from previz.core.project import Project


def graph_of(project: Project, node_ids: set[str]) -> nx.MultiDiGraph:
    """The sub-graph as data a user would recognise: types, params, takes, extra fields and
    ports; ids and positions left out."""
    graph = nx.MultiDiGraph()
    for node_id in node_ids:
        node = project.nodes[node_id]
        graph.add_node(node_id, data=json.dumps([node.type, node.version, node.params,
                                                 node.circled_take, node.extra],
                                                sort_keys=True))
    for link in project.links.values():
        if link.source.node in node_ids and link.target.node in node_ids:
            graph.add_edge(link.source.node, link.target.node,
                           ports=(link.source.port, link.target.port))
    return graph


def same_graph(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> bool:
    return nx.is_isomorphic(a, b, node_match=lambda x, y: x["data"] == y["data"],
                            edge_match=lambda x, y: sorted(e["ports"] for e in x.values())
                            == sorted(e["ports"] for e in y.values()))

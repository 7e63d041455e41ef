"""YAML read into plain mappings and lists that remember the YAML node of every key and value,
so that a problem found later can be reported at its file:line:col.

Only the safe loader's node tree is used: nothing in a rule file is ever executed.
"""
from __future__ import annotations

from typing import Any

import yaml


class NodeMap(dict):  # type: ignore[type-arg]
    """A mapping that remembers the YAML nodes of its keys and values."""

    node: Any
    key_nodes: dict[Any, Any]
    value_nodes: dict[Any, Any]


class NodeList(list):  # type: ignore[type-arg]
    """A list that remembers the YAML node of each item."""

    node: Any
    item_nodes: list[Any]


def new_map(node: Any = None) -> NodeMap:
    out = NodeMap()
    out.node, out.key_nodes, out.value_nodes = node, {}, {}
    return out


def new_list(node: Any = None) -> NodeList:
    out = NodeList()
    out.node, out.item_nodes = node, []
    return out


def convert(loader: yaml.SafeLoader, node: Any) -> Any:
    """The value of YAML ``node``: mappings and sequences as `NodeMap` / `NodeList`, scalars as
    the safe loader builds them. A duplicate key is an error (YAML would keep the last silently)."""
    if isinstance(node, yaml.MappingNode):
        out = new_map(node)
        for k_node, v_node in node.value:
            key = convert(loader, k_node)
            if isinstance(key, (list, dict)):
                key = str(key)
            if key in out:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}; keep only one",
                                                        k_node.start_mark)
            out[key] = convert(loader, v_node)
            out.key_nodes[key], out.value_nodes[key] = k_node, v_node
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = new_list(node)
        for n in node.value:
            seq.append(convert(loader, n))
            seq.item_nodes.append(n)
        return seq
    return loader.construct_object(node, deep=True)

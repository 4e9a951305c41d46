#!/usr/bin/env python3
"""Writes a one-line model with a JSON value nested DEPTH deep at PLACE.

usage: mkdeep.py OUT.json PLACE DEPTH

PLACE is where the deep value goes: top (the whole file is arrays), open
(DEPTH '[' and nothing else), objects ({"a": {"a": ...}} as the file),
name, version, weights, attrs (an attribute's value), attrs-object (the
node's "attrs" itself nests objects), shape (a dimension of an input),
input-spec (an input's spec), node-inputs (an entry of a node's inputs),
node (a whole node), outputs (an output's value).
"""
import sys


def arrays(depth):
    return "[" * depth + "]" * depth


def objects(depth):
    return '{"a": ' * depth + "1" + "}" * depth


def main(out, place, depth):
    model = ('{"seqc_model": 1, "name": "m", "inputs": {"x": {"dtype": '
             '"f32", "shape": ["B", "T", 8]}}, "nodes": [{"name": "n0", '
             '"op": "act", "inputs": ["x"], "attrs": {"kind": "silu"}}], '
             '"outputs": {"y": "n0"}}')
    deep = arrays(depth)
    # The text replaced, and its replacement.
    places = {
        "name": ('"name": "m"', '"name": ' + deep),
        "version": ('"seqc_model": 1', '"seqc_model": ' + deep),
        "weights": ('"name": "m"', '"weights": ' + deep),
        "attrs": ('"kind": "silu"', '"kind": ' + deep),
        "attrs-object": ('{"kind": "silu"}', objects(depth)),
        "shape": ('"T", 8]', '"T", ' + deep + "]"),
        "input-spec": ('{"dtype": "f32", "shape": ["B", "T", 8]}', deep),
        "node-inputs": ('"inputs": ["x"]', '"inputs": [' + deep + "]"),
        "node": ('"nodes": [', '"nodes": [' + deep + ", "),
        "outputs": ('"y": "n0"', '"y": ' + deep),
    }
    if place == "top":
        text = deep
    elif place == "open":
        text = "[" * depth
    elif place == "objects":
        text = objects(depth)
    else:
        old, new = places[place]
        assert old in model
        text = model.replace(old, new, 1)
    with open(out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))

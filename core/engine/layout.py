"""Where each node goes: layered left to right, crossings reduced, edges routed around nodes.

A pure function of the graph's structure. Units are abstract: one layer apart horizontally and
one node slot apart vertically; the GUI scales them to pixels. Inputs sit in the leftmost layer,
the output in the rightmost, and a constant just left of the operation that uses it. Edges that
skip layers pass through reserved bend points, so a straight segment never cuts through a node.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.engine.graph import ComputationGraph

Edge = tuple[int, int, int]
SWEEPS = 4
BEND_SLOT = 0.45  # vertical room a passing edge takes in a layer, relative to a node
MAX_BENDS = 4_000  # beyond this, long edges are drawn straight (a 3,000-term sum would need millions)


@dataclass(frozen=True)
class Layout:
    """Node positions and, for every edge, the points it passes through between its ends."""

    positions: dict[int, tuple[float, float]]
    bends: dict[Edge, list[tuple[float, float]]]
    layers: int

    def bounds(self) -> tuple[float, float, float, float]:
        """(min x, min y, max x, max y) over nodes and bend points."""
        points = list(self.positions.values()) + [p for ps in self.bends.values() for p in ps]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return min(xs), min(ys), max(xs), max(ys)


def layout(cg: ComputationGraph) -> Layout:
    """Lay out the graph in layers, inputs left and the output right."""
    layer = _layers(cg)
    depth = max(layer.values()) + 1
    slots: list[list[object]] = [[] for _ in range(depth)]  # node ids, or (edge, layer) bend keys
    for node_id in cg.nodes:
        slots[layer[node_id]].append(node_id)
    long_edges = [
        e for e in cg.graph.edges(keys=True) if layer[e[1]] - layer[e[0]] > 1
    ]
    with_bends = sum(layer[e[1]] - layer[e[0]] - 1 for e in long_edges) <= MAX_BENDS
    chains: dict[Edge, list[tuple]] = {}
    if with_bends:
        for edge in long_edges:
            chain = [(edge, i) for i in range(layer[edge[0]] + 1, layer[edge[1]])]
            chains[edge] = chain
            for key in chain:
                slots[key[1]].append(key)
    neighbours = _neighbours(cg, chains, layer, with_bends)
    _reduce_crossings(slots, neighbours)
    y = _place(slots, neighbours)
    positions = {n: (float(layer[n]), y[n]) for n in cg.nodes}
    bends = {e: [(float(key[1]), y[key]) for key in chains.get(e, [])] for e in cg.graph.edges(keys=True)}
    return Layout(positions, bends, depth)


def _layers(cg: ComputationGraph) -> dict[int, int]:
    """Inputs at 0; an operation one right of its rightmost operand; constants just before use."""
    layer: dict[int, int] = {}
    for node_id in cg.nodes:  # creation order is topological
        kind = cg.node(node_id)["kind"]
        if kind == "op":
            operands = [u for u, _, _ in cg.in_edges(node_id) if cg.node(u)["kind"] != "const"]
            layer[node_id] = 1 + max((layer[u] for u in operands), default=0)
        else:
            layer[node_id] = 0
    last = max(layer.values())
    if cg.node(cg.output)["kind"] == "op" and not cg.out_edges(cg.output):
        layer[cg.output] = last  # rightmost, unless later (unused) statements build on it
    for node_id in cg.nodes:
        if cg.node(node_id)["kind"] == "const":
            users = [v for _, v, _ in cg.out_edges(node_id)]
            layer[node_id] = max(0, min((layer[v] for v in users), default=1) - 1)
    return layer


def _neighbours(cg, chains, layer, with_bends) -> dict[object, tuple[list, list]]:
    """For each slot key: (keys in earlier layers it connects to, keys in later layers)."""
    links: dict[object, tuple[list, list]] = {n: ([], []) for n in cg.nodes}
    for key_chain in chains.values():
        for key in key_chain:
            links[key] = ([], [])
    for edge in cg.graph.edges(keys=True):
        path = [edge[0], *chains.get(edge, []), edge[1]]
        for a, b in zip(path, path[1:]):
            links[a][1].append(b)
            links[b][0].append(a)
    return links


def _reduce_crossings(slots: list[list], neighbours) -> None:
    """Barycenter heuristic: order each layer by the mean position of its neighbours, both ways."""
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        order = range(1, len(slots)) if forward else range(len(slots) - 2, -1, -1)
        for index in order:
            if len(slots[index]) < 2:  # nothing to order (most layers of a long chain)
                continue
            rank = {
                key: position
                for layer in (slots[index - 1] if forward else slots[index + 1],)
                for position, key in enumerate(layer)
            }

            now = {key: position for position, key in enumerate(slots[index])}

            def barycenter(key):
                linked = [rank[k] for k in neighbours[key][0 if forward else 1] if k in rank]
                return sum(linked) / len(linked) if linked else now[key]

            slots[index].sort(key=barycenter)


def _place(slots: list[list], neighbours) -> dict[object, float]:
    """Vertical positions: near the mean of linked nodes, in layer order, never overlapping."""
    y: dict[object, float] = {}
    for layer in slots:
        for position, key in enumerate(layer):
            y[key] = position - (len(layer) - 1) / 2
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        for layer in slots if forward else reversed(slots):
            wanted = []
            for key in layer:
                linked = [y[k] for k in neighbours[key][0 if forward else 1]]
                wanted.append(sum(linked) / len(linked) if linked else y[key])
            sizes = [BEND_SLOT if isinstance(key, tuple) else 1.0 for key in layer]
            for key, value in zip(layer, _spread(wanted, sizes)):
                y[key] = value
    return y


def _spread(wanted: list[float], sizes: list[float]) -> list[float]:
    """Positions closest (least squares) to `wanted`, keeping order and spacing by `sizes`.

    With offsets c_i (the minimum distance from the first item), z_i = y_i - c_i must not
    decrease; the best such z is the isotonic regression of wanted_i - c_i (pool adjacent
    violators).
    """
    if len(wanted) == 1:  # most layers of a long chain hold one node: nothing to spread
        return list(wanted)
    offsets = [0.0]
    for a, b in zip(sizes, sizes[1:]):
        offsets.append(offsets[-1] + (a + b) / 2)
    blocks: list[list[float]] = []  # [mean, count]
    for target in (w - c for w, c in zip(wanted, offsets)):
        blocks.append([target, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            previous = blocks[-1]
            previous[0] = (previous[0] * previous[1] + mean * count) / (previous[1] + count)
            previous[1] += count
    z = [mean for mean, count in blocks for _ in range(int(count))]
    return [value + offset for value, offset in zip(z, offsets)]

"""Where each node goes: layered left to right, crossings reduced, edges routed around nodes.

A pure function of the graph's structure. Units are abstract: one layer apart horizontally and
one node slot apart vertically; the GUI scales them to pixels. Inputs sit in the leftmost layer,
the output in the rightmost, and a constant just left of the operation that uses it. Edges that
skip layers pass through reserved bend points, so a straight segment never cuts through a node.
A long thin chain (six sigmoids in a row) wraps into rows, like text, so the drawing fits a 16:9
screen: each row starts again at the left, and an edge into a later row is drawn back round.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from core.engine.graph import ComputationGraph

Edge = tuple[int, int, int]
SWEEPS = 4
BEND_SLOT = 0.45  # vertical room a passing edge takes in a layer, relative to a node
MAX_BENDS = 4_000  # beyond this, long edges are drawn straight (a 3,000-term sum would need millions)
WRAP_ASPECT = 2.5  # the graph area of a 16:9 screen above its caption and controls
LAYER_SLOTS = 6.0  # a layer (node, labels and the gap before it) is about this many node slots wide
# Node slots between two rows of a wrapped chain, beyond the one slot the rows' labels take. Only the
# edge going back round and its backward arrow pass there, and a slot's margin (gui.graph.geometry)
# already leaves them room: any more made the six sigmoids too tall for a projector at 24 px.
ROW_GAP = 0.0
WRAP_MIN_LAYERS = 6  # shorter graphs never wrap
WRAP_MAX_SLOTS = 2  # only thin chains wrap: at most this many node slots in any layer


@dataclass(frozen=True)
class Layout:
    """Node positions and, for every edge, the points it passes through between its ends."""

    positions: dict[int, tuple[float, float]]  # (column, slot): the column within the node's row
    bends: dict[Edge, list[tuple[float, float]]]
    layers: int  # columns: the layers of the widest row
    row_of: dict[int, int] = field(default_factory=dict)  # node -> its row, when wrapped (else empty)
    gutters: tuple[float, ...] = ()  # the slot height between row i and row i + 1, for edges going back

    @property
    def rows(self) -> int:
        """How many rows the drawing wraps into (1: not wrapped)."""
        return len(self.gutters) + 1

    def row(self, node: int) -> int:
        """The row a node is in (0 when not wrapped)."""
        return self.row_of.get(node, 0)

    def bounds(self) -> tuple[float, float, float, float]:
        """(min x, min y, max x, max y) over nodes and bend points."""
        points = list(self.positions.values()) + [p for ps in self.bends.values() for p in ps]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return min(xs), min(ys), max(xs), max(ys)


def layout(cg: ComputationGraph, wrap_aspect: float | None = WRAP_ASPECT) -> Layout:
    """Lay out the graph in layers, inputs left and the output right; a long thin chain wraps into rows.

    `wrap_aspect` is the width : height the drawing should come close to (None: never wrap).
    """
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
    flat = Layout(positions, bends, depth)
    thin = not long_edges and max(len(s) for s in slots) <= WRAP_MAX_SLOTS  # a chain: every edge one layer on
    if wrap_aspect is None or depth < WRAP_MIN_LAYERS or not thin:
        return flat
    return wrap(flat, wrap_rows(flat, wrap_aspect))


def wrap_rows(flat: Layout, aspect: float) -> int:
    """How many rows bring an unwrapped layout's width : height closest to `aspect` (1: leave it)."""
    _, low, _, high = flat.bounds()
    height = high - low + 1

    def misfit(rows: int) -> float:
        per_row = -(-flat.layers // rows)
        ratio = per_row * LAYER_SLOTS / (rows * height + (rows - 1) * ROW_GAP)
        return abs(math.log(ratio / aspect))

    return min(range(1, flat.layers + 1), key=misfit)


def wrap(flat: Layout, rows: int) -> Layout:
    """The same layout in `rows` rows of (nearly) equal numbers of layers, each below the last.

    A bend of an edge that stays in its row moves with the row; an edge into a later row loses its
    bends (the drawing takes it back round through the gutter between the rows).
    """
    if rows <= 1:
        return flat
    per_row = -(-flat.layers // rows)
    rows = -(-flat.layers // per_row)
    _, low, _, high = flat.bounds()
    height = high - low + 1
    row_of = {n: int(x) // per_row for n, (x, _) in flat.positions.items()}

    def place(x: float, y: float) -> tuple[float, float]:
        row = int(round(x)) // per_row
        return x - row * per_row, y + row * (height + ROW_GAP)

    positions = {n: place(x, y) for n, (x, y) in flat.positions.items()}
    bends = {
        e: ([place(x, y) for x, y in points] if row_of[e[0]] == row_of[e[1]] else [])
        for e, points in flat.bends.items()
    }
    gutters = tuple(high + (height + ROW_GAP) * r + (1 + ROW_GAP) / 2 for r in range(rows - 1))
    return Layout(positions, bends, per_row, row_of, gutters)


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

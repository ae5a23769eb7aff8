"""Layout: inputs left, output right, no two nodes in one spot, few crossings."""

import itertools
import math
import random

from core.engine.graph import build_graph
from core.engine.layout import layout
from core.teach.presets import BY_KEY


def crossings(cg, lay):
    """Count crossing pairs among edge segments (through bend points)."""
    segments = []
    for edge in cg.graph.edges(keys=True):
        points = [lay.positions[edge[0]], *lay.bends[edge], lay.positions[edge[1]]]
        segments += list(zip(points, points[1:]))

    def cross(s, t):
        (a, b), (c, d) = s, t
        if len({a, b, c, d}) < 4:
            return False

        def orient(p, q, r):
            return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

        return orient(a, b, c) * orient(a, b, d) < 0 and orient(c, d, a) * orient(c, d, b) < 0

    return sum(cross(s, t) for s, t in itertools.combinations(segments, 2))


def test_lecture_layout_puts_inputs_left_and_output_right_without_crossings():
    cg = build_graph(BY_KEY["lecture"].source)
    lay = layout(cg)
    xs = {cg.node(n)["symbol"]: lay.positions[n][0] for n in cg.nodes}
    assert xs == {"w": 0, "x": 0, "b": 0, "u": 1, "v": 2, "a": 3}
    assert crossings(cg, lay) == 0


def test_constants_sit_just_before_their_operation():
    cg = build_graph("y = relu(x)**2 + 1")
    lay = layout(cg)
    for n in cg.nodes:
        if cg.node(n)["kind"] == "const":
            (user,) = [v for _, v, _ in cg.out_edges(n)]
            assert lay.positions[n][0] == lay.positions[user][0] - 1


def test_long_edges_bend_through_reserved_points():
    cg = build_graph("u = w*x; v = relu(u); a = v + x")  # x skips two layers to reach a
    lay = layout(cg)
    x, a = cg.input_nodes["x"], cg.output
    (edge,) = [e for e in cg.out_edges(x) if e[1] == a]
    assert [p[0] for p in lay.bends[edge]] == [1.0, 2.0]
    for n in cg.nodes:  # no node sits on a bend point
        for point in lay.bends[edge]:
            if lay.positions[n][0] == point[0]:
                assert abs(lay.positions[n][1] - point[1]) >= 0.7


def random_program(seed, size=40):
    rng = random.Random(seed)
    names = ["x", "y", "z", "w"]
    lines = []
    for i in range(size):
        op = rng.choice(["+", "*", "-"])
        lines.append(f"t{i} = {rng.choice(names)} {op} {rng.choice(names)}")
        names.append(f"t{i}")
    return "\n".join(lines)


def test_forty_node_graphs_never_put_two_nodes_in_one_spot():
    for seed in range(5):
        cg = build_graph(random_program(seed))
        lay = layout(cg)
        assert len(cg.nodes) >= 40
        for a, b in itertools.combinations(cg.nodes, 2):
            (xa, ya), (xb, yb) = lay.positions[a], lay.positions[b]
            assert xa != xb or abs(ya - yb) >= 1.0 - 1e-9
        assert lay.positions[cg.output][0] == max(x for x, _ in lay.positions.values())


def test_barycenter_ordering_beats_creation_order_on_crossings():
    cg = build_graph("a = relu(x4*x1); b = relu(x3*x2); c = sigmoid(x1*x3); out = a*b + c")
    lay = layout(cg)
    assert crossings(cg, lay) <= 2


def test_huge_graphs_lay_out_without_millions_of_bends():
    cg = build_graph("+".join(["x"] * 3000))
    lay = layout(cg)
    assert lay.layers == 3000
    assert sum(len(b) for b in lay.bends.values()) == 0  # drawn straight: too many to route


def test_an_output_used_by_later_statements_keeps_edges_left_to_right():
    cg = build_graph("x = 2\nu = x*2\nv = u + 1\nu")
    lay = layout(cg)
    for u, v, _ in cg.graph.edges(keys=True):
        assert lay.positions[u][0] < lay.positions[v][0]


# ----- wrapping long chains into rows ---------------------------------------------------------

from core.engine.layout import LAYER_SLOTS, WRAP_ASPECT, wrap, wrap_rows  # noqa: E402
from core.teach.lessons import BY_KEY as LESSONS  # noqa: E402


def aspect(lay):
    """Width : height of a layout, in node slots (a layer is LAYER_SLOTS wide)."""
    _, low, _, high = lay.bounds()
    return lay.layers * LAYER_SLOTS / (high - low + 1)


def test_the_deep_sigmoid_chain_wraps_into_rows_closer_to_the_screen_shape():
    cg = build_graph(LESSONS["deep-sigmoid"].source)
    flat, wrapped = layout(cg, wrap_aspect=None), layout(cg)
    assert flat.rows == 1 and flat.layers == 7
    assert wrapped.rows > 1 and wrapped.layers < flat.layers
    distance = lambda lay: abs(math.log(aspect(lay) / WRAP_ASPECT))  # noqa: E731
    assert distance(wrapped) < distance(flat)
    # Read row by row, left to right, the chain keeps its order; no two nodes share a spot.
    order = sorted(cg.nodes, key=lambda n: (wrapped.row(n), wrapped.positions[n][0]))
    assert order == sorted(cg.nodes, key=lambda n: flat.positions[n][0])
    assert len(set(wrapped.positions.values())) == len(cg.nodes)
    # Each row sits below the last, with a gutter between them that no node touches.
    for row, gutter in enumerate(wrapped.gutters):
        above = [wrapped.positions[n][1] for n in cg.nodes if wrapped.row(n) == row]
        below = [wrapped.positions[n][1] for n in cg.nodes if wrapped.row(n) == row + 1]
        assert max(above) + 0.5 <= gutter <= min(below) - 0.5


def test_wide_or_short_graphs_do_not_wrap():
    for source in (BY_KEY["lecture"].source, "+".join(f"a{i}*b{i}" for i in range(30)), "+".join(["x"] * 300)):
        cg = build_graph(source)
        assert layout(cg).rows == 1
        assert layout(cg).positions == layout(cg, wrap_aspect=None).positions


def test_wrap_rows_picks_the_row_count_whose_shape_is_closest():
    cg = build_graph("x = 1\n" + "\n".join(f"h{i + 1} = sigmoid({'h' + str(i) if i else 'x'})" for i in range(20)))
    flat = layout(cg, wrap_aspect=None)
    best = wrap_rows(flat, WRAP_ASPECT)

    def misfit(rows):
        lay = wrap(flat, rows)
        return abs(math.log(aspect(lay) / WRAP_ASPECT))

    assert all(misfit(best) <= misfit(rows) + 1e-9 for rows in range(1, flat.layers + 1))
    assert wrap(flat, 1) is flat
    lay = wrap(flat, best)
    assert lay.rows == best and len(lay.gutters) == best - 1

"""Every entry of the operations table against torch, straight from the table (float64).

Adding an operation is one entry in core.engine.ops.OPS: its torch reference is part of it, so this
file checks the new op's value, local derivatives, masking and backward formula with no edit.
"""

import itertools
import math

import pytest
import torch

from core.engine import ops
from core.engine.graph import build_graph
from core.teach.latex import FUNCTIONS, to_latex

from .torch_reference import same_number, torch_function

UNARY_POINTS = [-25.0, -2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 25.0]
BINARY_POINTS = [-2.0, -0.5, 0.0, 1.0, 2.0, 3.0]


def points(op):
    if op.arity == 1:
        return [(v,) for v in UNARY_POINTS]
    return list(itertools.product(BINARY_POINTS, repeat=op.arity))


def torch_backward(op, operands, upstream):
    """torch's value and the gradient it sends to each operand for a given upstream gradient."""
    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in operands]
    out = torch_function(op.name)(*leaves)
    if not out.requires_grad:  # a comparison: a boolean, and no gradient at all
        return float(out.item()), [0.0] * len(leaves)
    grads = torch.autograd.grad(out, leaves, grad_outputs=torch.tensor(upstream, dtype=torch.float64),
                                allow_unused=True, materialize_grads=True)  # where's condition: unused
    return out.item(), [g.item() for g in grads]


@pytest.mark.parametrize("op", list(ops.OPS.values()), ids=lambda op: op.name)
def test_value_and_local_derivatives_match_torch(op):
    for operands in points(op):
        want_value, want_locals = torch_backward(op, operands, 1.0)
        value = ops.apply(op, list(operands))
        assert same_number(value, want_value), (operands, value, want_value)
        locals_ = ops.local_derivatives(op, list(operands), value)
        for mine, theirs in zip(locals_, want_locals):
            assert same_number(mine, theirs), (operands, locals_, want_locals)


@pytest.mark.parametrize("op", list(ops.OPS.values()), ids=lambda op: op.name)
def test_masks_and_backward_formulas_are_torchs(op):
    """Blocked exactly where torch passes 0 for an infinite upstream; tiny upstreams as torch."""
    for operands in points(op):
        value = ops.apply(op, list(operands))
        locals_ = ops.local_derivatives(op, list(operands), value)
        blocked = ops.blocked(op, list(operands), value)
        _, through_inf = torch_backward(op, operands, math.inf)
        assert blocked == [g == 0.0 for g in through_inf], (operands, blocked, through_inf)
        for upstream in (math.inf, 1e-10, 3.0):
            _, want = torch_backward(op, operands, upstream)
            for index, theirs in enumerate(want):
                mine = ops.contribution(upstream, locals_[index], blocked[index], op, index,
                                        list(operands), value)
                assert same_number(mine, theirs), (operands, upstream, index, mine, theirs)


@pytest.mark.parametrize("op", list(ops.OPS.values()), ids=lambda op: op.name)
def test_every_entry_is_complete(op):
    assert len(op.partials) == len(op.locals_) == op.arity
    assert op.masks is None or (len(op.masks) == op.arity and op.blocked_because and op.blocks)
    if op.infix is None:  # functions are written by name, and set in LaTeX from their entry
        assert op.latex and FUNCTIONS[op.name] == op.latex
        assert op.latex in to_latex(f"{op.name}(x)", {"x"})
        assert build_graph(f"y = {op.name}({', '.join(['x'] * op.arity)})").evaluate({"x": 0.5})


def test_denormals_are_divided_as_torch_does():
    cg = build_graph("1e-10*(x/y)").evaluate({"x": 1.0, "y": 1e-310})
    assert math.isclose(cg.gradients()["x"], 1e300, rel_tol=1e-3)  # not 1e-10 · (1/1e-310) = inf
    assert math.isclose(build_graph("1e-10*log(x)").evaluate({"x": 1e-310}).gradients()["x"], 1e300, rel_tol=1e-3)
    x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(1e-310, dtype=torch.float64, requires_grad=True)
    (1e-10 * (x / y)).backward()
    assert cg.gradients() == {"x": x.grad.item(), "y": y.grad.item()}

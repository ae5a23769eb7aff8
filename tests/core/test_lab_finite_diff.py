"""Central differences: the same arithmetic as torch's forward pass, and the classic V against h."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from core.engine.graph import build_graph
from core.lab.backward_graph import LabError
from core.lab.finite_diff import (
    STEP_GRID, central_difference, check_gradients, check_step, error_curve, relative_error,
)

from .torch_reference import INPUTS, formulas, torch_tree, values

inputs = st.fixed_dictionaries({name: values for name in INPUTS})


@settings(deadline=None, max_examples=100)
@given(formula=formulas(), given_values=inputs, h=st.sampled_from([1e-1, 1e-3, 1e-6]))
def test_central_difference_equals_torchs_forward_passes(formula, given_values, h):
    text, tree = formula
    cg = build_graph(text)
    cg.evaluate({n: given_values[n] for n in cg.inputs})
    for name in cg.inputs:
        env = {n: torch.tensor(v, dtype=torch.float64) for n, v in given_values.items()}
        up = torch_tree(tree, {**env, name: env[name] + h})
        down = torch_tree(tree, {**env, name: env[name] - h})
        want = ((up - down) / (2 * h)).item()
        mine = central_difference(cg, name, h)
        # one rounding of f in the last place, magnified by 1/2h, is all that may differ
        slack = 8 * 2.2e-16 * max(abs(up.item()), abs(down.item()), 1.0) / h if math.isfinite(want) else 0
        assert mine == want or (math.isnan(mine) and math.isnan(want)) or abs(mine - want) <= slack, (text, name)


def test_the_error_against_h_is_a_v_with_its_minimum_between_1e4_and_1e9():
    cg = build_graph("sin(x) * exp(y) + x*x*y").evaluate({"x": 0.7, "y": 0.3})
    for name in ("x", "y"):
        curve = error_curve(cg, name)
        assert [h for h, _ in curve] == list(STEP_GRID)
        assert STEP_GRID[0] == 1e-1 and math.isclose(STEP_GRID[-1], 1e-12)
        best_h, best = min(curve, key=lambda point: point[1])
        assert 1e-9 <= best_h <= 1e-4, (name, best_h)
        assert curve[0][1] > 100 * best and curve[-1][1] > 100 * best  # both arms of the V rise


def test_a_kink_shows_up_as_a_disagreement():
    cg = build_graph("relu(x)").evaluate({"x": 0.0})
    (check,) = check_gradients(cg, 1e-3)
    assert (check.numeric, check.analytic, check.error) == (0.5, 0.0, 0.5)


def test_relative_error_and_bad_steps():
    assert relative_error(2.0, 2.0) == 0.0 and math.isclose(relative_error(2.2, 2.0), 0.1)
    assert relative_error(0.25, 0.0) == 0.25  # absolute where the gradient is 0
    assert math.isnan(relative_error(math.nan, 1.0))
    for bad in (0.0, -1e-3, math.inf, math.nan):
        with pytest.raises(LabError, match="positive number"):
            check_step(bad)
    with pytest.raises(LabError, match="no input named 'z'"):
        central_difference(build_graph("x*2").evaluate({"x": 1}), "z", 1e-3)

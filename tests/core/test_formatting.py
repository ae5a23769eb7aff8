import json
import math

from core.formatting import fmt, json_safe


def test_integers_print_plainly_and_others_to_four_significant_digits():
    assert fmt(7.0) == "7"
    assert fmt(-3.0) == "-3"
    assert fmt(0.1 + 0.2) == "0.3"
    assert fmt(2 / 3) == "0.6667"
    assert fmt(-0.0) == "0"
    assert fmt(0.045176659730912) == "0.04518"


def test_very_large_and_small_numbers_use_exponents():
    assert fmt(387420489.0) == "387420489"
    assert fmt(123456.7) == "123457"
    assert fmt(1.5e20) == "1.5e20"
    assert fmt(1.2345e-7) == "1.235e-7"
    assert fmt(6.02214e23) == "6.022e23"


def test_non_finite_numbers_have_one_spelling():
    assert [fmt(v) for v in (math.inf, -math.inf, math.nan)] == ["inf", "-inf", "nan"]


def test_json_safe_makes_strict_json():
    data = json_safe({"a": [1.0, math.inf, {"b": math.nan}], "c": -math.inf, "d": None, "e": "x"})
    assert json.dumps(data, allow_nan=False) == (
        '{"a": [1.0, "inf", {"b": "nan"}], "c": "-inf", "d": null, "e": "x"}'
    )

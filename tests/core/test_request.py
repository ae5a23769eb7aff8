"""core.training.request: one home for the defaults, checked values, a JSON round trip that refuses bad files."""

import argparse
import json
import math

import pytest

from core.cli import train as cli_train
from core.project import BUNDLED_DATA
from core.training.request import DataSpec, RequestError, TrainingConfig, TrainingRequest


def parse(*arguments: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli_train.add_arguments(parser)
    return parser.parse_args(list(arguments))


def test_the_defaults_are_the_course_notebooks():
    request = TrainingRequest()
    assert (request.config.epochs, request.config.lr, request.data.seed) == (100, 0.05, 123)
    assert (request.data.test_fraction, request.data.features, request.data.target) == (0.3, ("x1", "x2"), "y")
    assert request.data.source == BUNDLED_DATA and request.data.shift_used == 144.0
    assert request.config.variants == ("manual", "semi_manual", "automatic", "sequential")


def test_the_command_lines_defaults_are_the_requests():
    assert cli_train.request_from_args(parse(), list(TrainingConfig().variants)) == TrainingRequest()


def test_the_shift_belongs_to_the_course_data(tmp_path):
    mine = tmp_path / "my.csv"
    assert DataSpec(path=str(mine)).shift_used == 0.0
    assert DataSpec(path=str(mine), shift=5.0).shift_used == 5.0
    assert DataSpec(path=str(BUNDLED_DATA)) == DataSpec()  # the bundled file, however named
    assert DataSpec().describe_shift() == "shift 144 (the course data's default)"
    assert DataSpec(path=str(mine)).describe_shift() == "shift 0 (the default for your data)"
    assert DataSpec(shift=-3.5).describe_shift() == "shift -3.5"


def test_json_round_trip_is_plain_and_exact(tmp_path):
    request = TrainingRequest(
        DataSpec(path=str(tmp_path / "d.csv"), features=("a", "b"), target="c", shift=0.1 + 0.2,
                 seed=2**40, test_fraction=0.25),
        TrainingConfig(epochs=7, lr=0.0123456789, activation="none", init="notebook",
                       variants=("sequential", "manual"), manual_relu_derivative=False))
    text = json.dumps(request.to_json(), allow_nan=False)
    assert TrainingRequest.from_json(json.loads(text)) == request
    assert TrainingRequest.from_json(TrainingRequest().to_json()) == TrainingRequest()
    assert TrainingRequest.from_json({}) == TrainingRequest()  # left out: the defaults
    assert TrainingRequest.from_json({"config": {"lr": 0.5, "later": 1}}).config.lr == 0.5


@pytest.mark.parametrize(("value", "fragment"), [
    ([], "should be an object"),
    ({"data": "x.csv"}, "'data' should be an object"),
    ({"config": {"lr": "fast"}}, "learning rate must be a positive number, not 'fast'"),
    ({"config": {"lr": -1}}, "learning rate must be a positive number"),
    ({"config": {"lr": math.inf}}, "learning rate must be a positive number"),
    ({"config": {"lr": True}}, "learning rate must be a positive number"),
    ({"config": {"lr": 1e39}}, "beyond float32's range"),  # training computes in float32
    ({"config": {"lr": 10**400}}, "learning rate must be a positive number"),  # no OverflowError
    ({"config": {"epochs": 2.5}}, "number of epochs must be a whole number"),
    ({"config": {"epochs": 10**9}}, "from 0 to 1,000,000"),
    ({"config": {"activation": "tanh"}}, "unknown activation 'tanh'"),
    ({"config": {"init": 3}}, "unknown init 3"),
    ({"config": {"variants": []}}, "at least one variant"),
    ({"config": {"variants": ["manual", "magic"]}}, "unknown variant 'magic'"),
    ({"config": {"manual_relu_derivative": "no"}}, "must be true or false"),
    ({"data": {"path": ""}}, "data path must be a file name"),
    ({"data": {"path": 7}}, "data path must be a file name"),
    ({"data": {"features": "x1"}, "config": {}}, None),  # one name is a list of one
    ({"data": {"features": ["x1", "x1"]}}, "repeated"),
    ({"data": {"features": ["x1", 2]}}, "list of names"),
    ({"data": {"target": "x1"}}, "cannot be both a feature and the target"),
    ({"data": {"shift": 1e300}}, "target shift must be from"),
    ({"data": {"shift": "nan"}}, "target shift must be a finite number"),
    ({"data": {"seed": -3}}, "seed must be a whole number"),
    ({"data": {"seed": 1.5}}, "seed must be a whole number"),
    ({"data": {"test_fraction": 1}}, "test fraction must be between 0 and 1"),
])
def test_bad_values_are_refused_with_a_message_naming_them(value, fragment):
    if fragment is None:
        assert TrainingRequest.from_json(value).data.features == ("x1",)
        return
    with pytest.raises(RequestError, match=fragment):
        TrainingRequest.from_json(value)


def test_the_report_says_which_shift_ran(tmp_path, capsys):
    own = tmp_path / "own.csv"
    own.write_text("x1,x2,y\n" + "\n".join(f"{i},{i % 3},{2 * i}" for i in range(20)) + "\n")
    status = cli_train.run(parse("--data", str(own), "--epochs", "1", "--variants", "manual"))
    out = capsys.readouterr().out
    assert status == 0 and "shift 0 (the default for your data)" in out.splitlines()[0]
    status = cli_train.run(parse("--epochs", "1", "--variants", "manual", "--shift", "10"))
    assert status == 0 and " · shift 10 · " in capsys.readouterr().out.splitlines()[0]

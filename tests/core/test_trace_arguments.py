"""core.trace.arguments.trace_arguments: the command line the window runs to get a trace (no torch here)."""

import main
from core.cli.train import request_from_args
from core.trace.arguments import trace_arguments
from core.training.request import DataSpec, TrainingConfig, TrainingRequest


def parsed(arguments):
    return main.build_parser().parse_args(arguments)


def test_defaults_trace_the_shared_start_as_json():
    args = parsed(trace_arguments("automatic"))
    assert (args.command, args.variant, args.json, args.epochs) == ("trace", "automatic", True, 0)
    assert not args.manual_as_notebook


def test_a_training_pages_request_comes_through_unchanged(tmp_path):
    data = DataSpec(path=str(tmp_path / "my data.csv"), features=("a", "b c"), target="t",
                    shift=0.1 + 0.2, seed=7, test_fraction=0.25)
    config = TrainingConfig(epochs=37, lr=0.0123456789, activation="none", init="notebook",
                            variants=("manual",), manual_relu_derivative=False)
    args = parsed(trace_arguments("manual", TrainingRequest(data, config)))
    assert str(args.data) == data.path and args.features == "a,b c" and args.target == "t"
    assert (args.shift, args.seed, args.test_fraction) == (0.1 + 0.2, 7, 0.25)  # floats exactly
    assert (args.epochs, args.lr, args.activation, args.init) == (37, 0.0123456789, "none", "notebook")
    assert args.manual_as_notebook and args.json
    assert request_from_args(args, ["manual"]) == TrainingRequest(data, config)


def test_the_course_datas_default_shift_stays_a_default_on_the_command_line():
    args = parsed(trace_arguments("manual", TrainingRequest()))
    assert args.shift is None and request_from_args(args, ["manual"]).data.shift_used == 144.0

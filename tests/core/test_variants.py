"""The four regression variants (core.training.variants): one interface, the same numbers, short source."""

from __future__ import annotations

import inspect

import pytest

torch = pytest.importorskip("torch")

from core.training import registry  # noqa: E402
from core.training.variants import Automatic, Manual, SemiManual, Sequential  # noqa: E402

VARIANT_NAMES = registry.default_names()  # the four that must agree (no_zero_grad differs on purpose)
VARIANTS = {name: registry.info(name).load() for name in VARIANT_NAMES}

LR = 0.1


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """Tiny tensors: one thread is faster and does not fight other processes for the cores."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def problem(all_active=False):
    """Three features, 40 rows, and a start where some ReLU units are off (unless all_active)."""
    generator = torch.Generator().manual_seed(5)
    X = torch.randn(40, 3, generator=generator)
    y = X @ torch.tensor([[2.0], [-1.0], [0.5]]) + 0.3 * torch.randn(40, 1, generator=generator)
    weights = torch.tensor([[0.8], [0.4], [-0.3]])
    bias = torch.tensor([10.0 if all_active else 0.2])
    return X, (y.view(-1) + 1.0), weights, bias


def reference_step(X, y, weights, bias, activation):
    """One gradient-descent step with gradients from torch autograd, as the referee."""
    w = weights.clone().requires_grad_(True)
    b = bias.clone().requires_grad_(True)
    net = (X @ w + b).view(-1)
    prediction = torch.relu(net) if activation == "relu" else net
    loss = torch.mean((prediction - y) ** 2)
    grad_w, grad_b = torch.autograd.grad(loss, [w, b])
    return (w - LR * grad_w).detach().view(-1).tolist(), (b - LR * grad_b).item()


def test_registry_lists_the_four_variants_in_the_notebooks_order():
    assert tuple(VARIANTS) == VARIANT_NAMES == ("manual", "semi_manual", "automatic", "sequential")
    assert registry.names() == VARIANT_NAMES + ("no_zero_grad",)  # selectable, never by default
    assert [cls.__name__ for cls in VARIANTS.values()] == [
        "Manual", "SemiManual", "Automatic", "Sequential"
    ]


def test_each_variant_has_a_title_and_a_one_line_description():
    descriptions = [info.description for info in registry.variants()]
    assert all(text and "\n" not in text and len(text) < 90 for text in descriptions)
    assert len(set(descriptions)) == 5
    assert [info.title for info in registry.variants()] == [
        "Manual", "Semi-manual", "Automatic", "Sequential", "Forgot zero_grad()"]


def test_source_read_without_torch_matches_the_real_classes():
    for info in registry.variants():
        cls = info.load()
        assert info.class_name == cls.__name__
        assert info.source == inspect.getsource(cls).rstrip("\n")
        assert info.first_line == inspect.getsourcelines(cls)[1]


def test_the_registry_refuses_a_taken_or_odd_name_and_an_unknown_one():
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.VariantInfo("manual", "Again", "a copy", "Manual"))
    with pytest.raises(ValueError, match="plain word"):
        registry.register(registry.VariantInfo("my variant", "Mine", "spaces", "Manual"))
    with pytest.raises(ValueError, match="unknown variant 'magic' \\(choose from manual, "):
        registry.info("magic")
    assert registry.names() == ("manual", "semi_manual", "automatic", "sequential", "no_zero_grad")


def test_each_variants_source_is_short_enough_to_read_on_one_screen():
    for cls in VARIANTS.values():
        assert len(inspect.getsource(cls).splitlines()) <= 45, cls.__name__


def test_the_source_shows_what_each_variant_is_about():
    sources = {name: inspect.getsource(cls) for name, cls in VARIANTS.items()}
    assert "net > 0" in sources["manual"] and "torch.mm(X.t()" in sources["manual"]
    assert "torch.autograd.grad" in sources["semi_manual"]
    assert "loss.backward()" in sources["automatic"] and "F.relu" in sources["automatic"]
    assert "nn.Sequential(nn.Linear" in sources["sequential"]
    assert "nn.ReLU()" in sources["sequential"]


@pytest.mark.parametrize("activation", ["relu", "none"])
@pytest.mark.parametrize("name", VARIANT_NAMES)
def test_one_step_matches_autograd(name, activation):
    X, y, weights, bias = problem()
    assert 0 < int(((X @ weights + bias) > 0).sum()) < 40  # some units on, some off
    variant = VARIANTS[name](X, y, LR, activation, weights=weights, bias=bias)
    variant.step()
    expected_weights, expected_bias = reference_step(X, y, weights, bias, activation)
    assert variant.weights == pytest.approx(expected_weights, rel=1e-6, abs=1e-6)
    assert variant.bias == pytest.approx(expected_bias, rel=1e-6, abs=1e-6)


def test_leaving_out_the_relu_derivative_changes_the_step_only_when_units_are_off():
    X, y, weights, bias = problem()
    exact = Manual(X, y, LR, weights=weights, bias=bias)
    as_seed = Manual(X, y, LR, weights=weights, bias=bias, relu_derivative=False)
    exact.step(), as_seed.step()
    assert exact.bias != pytest.approx(as_seed.bias, rel=1e-3)

    X, y, weights, bias = problem(all_active=True)
    assert bool(((X @ weights + bias) > 0).all())
    exact = Manual(X, y, LR, weights=weights, bias=bias)
    as_seed = Manual(X, y, LR, weights=weights, bias=bias, relu_derivative=False)
    exact.step(), as_seed.step()
    assert (exact.weights, exact.bias) == (as_seed.weights, as_seed.bias)


@pytest.mark.parametrize("name", VARIANT_NAMES)
def test_parameters_are_plain_python_numbers_and_start_from_the_given_values(name):
    X, y, weights, bias = problem()
    variant = VARIANTS[name](X, y, LR, weights=weights, bias=bias)
    assert variant.weights == weights.view(-1).tolist()
    assert variant.bias == bias.item()
    assert all(type(value) is float for value in variant.weights) and type(variant.bias) is float


@pytest.mark.parametrize("name", VARIANT_NAMES)
def test_training_does_not_touch_the_caller_start_tensors(name):
    X, y, weights, bias = problem()
    kept = weights.clone(), bias.clone()
    VARIANTS[name](X, y, LR, weights=weights, bias=bias).step()
    assert torch.equal(weights, kept[0]) and torch.equal(bias, kept[1])


@pytest.mark.parametrize("activation", ["relu", "none"])
@pytest.mark.parametrize("name", VARIANT_NAMES)
def test_predict_is_the_activation_of_the_net_input(name, activation):
    X, y, weights, bias = problem()
    variant = VARIANTS[name](X, y, LR, activation, weights=weights, bias=bias)
    with torch.no_grad():
        net, prediction = variant.net_input(X), variant.predict(X)
    assert net.shape == prediction.shape == (40,)
    expected = torch.relu(net) if activation == "relu" else net
    assert torch.equal(prediction, expected)
    assert bool((net < 0).any())  # so the check above really tells relu from none


@pytest.mark.parametrize("cls", [Manual, SemiManual])
def test_hand_built_variants_draw_torch_rand_by_default(cls):
    X, y, _, _ = problem()
    torch.manual_seed(42)
    expected_weights, expected_bias = torch.rand(3, 1), torch.rand(1)
    torch.manual_seed(42)
    variant = cls(X, y, LR)
    assert variant.weights == expected_weights.view(-1).tolist()
    assert variant.bias == expected_bias.item()


@pytest.mark.parametrize("cls", [Automatic, Sequential])
def test_module_variants_keep_nn_linears_own_init_by_default(cls):
    X, y, _, _ = problem()
    torch.manual_seed(42)
    expected = torch.nn.Linear(3, 1)
    torch.manual_seed(42)
    variant = cls(X, y, LR)
    assert variant.weights == expected.weight.detach().view(-1).tolist()
    assert variant.bias == expected.bias.item()


@pytest.mark.parametrize("cls", list(VARIANTS.values()))
def test_unknown_activation_is_refused(cls):
    X, y, weights, bias = problem()
    with pytest.raises(ValueError, match="unknown activation 'tanh'"):
        cls(X, y, LR, "tanh", weights=weights, bias=bias)


class HalvedManual(Manual):
    """The manual variant at half the learning rate: registered by the test below only."""

    def __init__(self, X, y, lr, activation="relu", weights=None, bias=None, **rule):
        super().__init__(X, y, lr / 2, activation, weights, bias, **rule)


def test_a_registered_variant_trains_beside_the_others_from_the_same_start():
    from core.training.data import load_prepared
    from core.training.request import TrainingConfig
    from core.training.run import train

    prepared = load_prepared(registry.info("manual").path.parents[2] / "data" / "linreg-data.csv")
    registry.register(registry.VariantInfo("halved", "Halved", "manual at half the rate",
                                           "HalvedManual", module=__name__))
    try:
        result = train(prepared, TrainingConfig(epochs=5, variants=("manual", "halved")))
    finally:
        registry.unregister("halved")
    reference = train(prepared, TrainingConfig(epochs=5, lr=0.025, variants=("manual",)))
    assert result.variants["halved"].history == reference.variants["manual"].history
    assert result.variants["halved"].initial_weights == result.variants["manual"].initial_weights
    assert result.variants["halved"].history != result.variants["manual"].history
    assert registry.names() == ("manual", "semi_manual", "automatic", "sequential", "no_zero_grad")

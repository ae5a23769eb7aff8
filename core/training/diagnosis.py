"""Why a run ended as it did, read from the run itself, and what to change: only what differs.

Qt-free and torch-free: the training run hands over plain facts (losses, weight sizes, when the
units died, the settings, the stability bound) and gets sentences back. The GUI's cards and the
command line both show them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.formatting import fmt
from core.training.request import TrainingConfig

REACHED_BELOW = 1e-4  # relative gap to the least-squares optimum that counts as having reached it
GREW_FACTOR = 1.5  # loss or weight size this many times its starting value counts as growth


@dataclass(frozen=True)
class RunFacts:
    """What happened to one variant, as plain numbers."""

    initial_loss: float  # training MSE at the start, before any update
    losses: list[float]  # after each epoch
    weight_sizes: list[float]  # length of [w, b] at the start, then after each epoch
    dead_at_start: bool  # no ReLU unit active before the first update
    first_dead_epoch: int | None  # the first epoch after which no unit was active
    targets_positive: bool  # some training target is > 0 (a ReLU can fit something)


@dataclass(frozen=True)
class Diagnosis:
    """The cause in one or two sentences, and what to try (empty when nothing would help)."""

    cause: str
    advice: str


def safe_learning_rate(bound: float) -> float:
    """A round learning rate comfortably below the stability bound 2/λmax (half of it, 1 digit)."""
    half = bound / 2
    scale = 10 ** math.floor(math.log10(half))
    return math.floor(half / scale) * scale


def rate_against_bound(config: TrainingConfig, bound: float) -> str:
    """The learning rate compared with 2/λmax, in words."""
    where = "above" if config.lr > bound else "below"
    kind = "" if config.optimizer == "sgd" and config.batch_size is None else \
        " (the bound is for full-batch gradient descent; it is a guide here)"
    return (f"the learning rate {fmt(config.lr)} is {where} 2/λmax = {fmt(bound, 3)}, the "
            f"largest step full-batch gradient descent on this MSE can take without "
            f"overshooting{kind}")


def diagnose(status: str, facts: RunFacts, config: TrainingConfig, bound: float) -> Diagnosis:
    """Name the cause of a dead or diverged run, and suggest only settings that differ."""
    if status == "diverged":
        return Diagnosis(f"each step overshot the minimum by more than the last: "
                         f"{rate_against_bound(config, bound)}.",
                         _try([_smaller_rate(config, bound)]))
    if status != "dead":
        return Diagnosis("", "")
    if not facts.targets_positive:
        return Diagnosis("every target is ≤ 0, and a ReLU can only output values ≥ 0.",
                         _try(["activation 'none'", "a target shift that makes targets positive"]))
    if facts.dead_at_start:
        options = [] if config.init == "shared" else ["init 'shared'"]
        options += ["another seed", "activation 'none'"]
        return Diagnosis("the start was already dead: before the first update every net input "
                         "was ≤ 0, so every gradient was 0 from epoch 1 on.", _try(options))
    grew = _grew_before(facts)
    if grew or config.lr > bound:
        cause = (f"{grew + ' before the units died' if grew else 'the steps were too large'} "
                 f"(epoch {facts.first_dead_epoch}): the steps overshot and pushed every net "
                 f"input below 0; {rate_against_bound(config, bound)}.")
        return Diagnosis(cause, _try([_smaller_rate(config, bound)]))
    options = [_smaller_rate(config, bound), "another seed"]
    if config.activation == "relu":
        options.append("activation 'none'")
    return Diagnosis(f"a step at epoch {facts.first_dead_epoch} pushed every net input below 0; "
                     f"{rate_against_bound(config, bound)}.", _try(options))


def far_advice(config: TrainingConfig, bound: float) -> str:
    """What would bring a finished run that stopped short of the optimum closer to it."""
    options = ["more epochs"]
    if config.optimizer != "sgd":  # the bound is plain gradient descent's: no guide for these
        options.append("a larger learning rate")
    elif config.lr < safe_learning_rate(bound):
        options.append(f"a larger learning rate (up to about {fmt(safe_learning_rate(bound))})")
    return _try(options)


def _grew_before(facts: RunFacts) -> str:
    """'the loss grew' / 'the weights grew' when either grew before the units died, else ''."""
    until = facts.first_dead_epoch or len(facts.losses)
    losses = [v for v in facts.losses[:until] if math.isfinite(v)]
    if losses and facts.initial_loss > 0 and max(losses) > facts.initial_loss:
        return f"the loss grew from {fmt(facts.initial_loss)} to {fmt(max(losses))}"
    sizes = [v for v in facts.weight_sizes[: until + 1] if math.isfinite(v)]
    if sizes and sizes[0] > 0 and max(sizes) > GREW_FACTOR * sizes[0]:
        return f"the weights grew from size {fmt(sizes[0])} to {fmt(max(sizes))}"
    return ""


def _smaller_rate(config: TrainingConfig, bound: float) -> str:
    suggestion = safe_learning_rate(bound)
    if suggestion >= config.lr:
        suggestion = config.lr / 10
    return f"a smaller learning rate (for example {fmt(suggestion)}; 2/λmax = {fmt(bound, 3)})"


def _try(options: list[str]) -> str:
    if not options:
        return ""
    listed = options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]
    return f"Try {listed}."

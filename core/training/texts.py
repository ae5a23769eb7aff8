"""What each card says about its variant's status, in plain language, with what to try next.

Qt-free: the page picks the sentence, the card shows it. The advice itself comes from the run
(core.training.diagnosis), so it names the cause and only suggests settings that differ.
"""

from __future__ import annotations

from core.formatting import fmt
from core.training import registry
from core.training.diagnosis import REACHED_BELOW
from core.training.request import TrainingConfig

# Short on purpose: a card shows at most four lines; core's full sentence is the tooltip.
SUMMARY = {
    "dead": "Dead ReLU: every prediction is 0, so every gradient is 0: it cannot learn.",
    "diverged": "Diverged: each step overshoots more than the last; the loss blew up.",
}
LIVE_CAUSE = "The cause and what to change follow when the run ends."

RUNNING = "Each epoch: one gradient step on all training rows, then the loss is measured."
RUNNING_BATCHES = "Each epoch: one step per minibatch, then the loss on all training rows."
PAUSED = "Paused: press Resume to go on, or Stop to see the results so far."
OPTIMIZER_TITLES = {"sgd": "torch.optim.SGD", "momentum": "torch.optim.SGD(momentum=…)",
                    "adam": "torch.optim.Adam"}
HAND_RULES = {"sgd": "", "momentum": " (momentum by hand)", "adam": " (Adam by hand)"}


def live_explanation(status: str, batches: bool = False) -> str:
    """The card's text while training goes on, for a status (a record's, or running/paused)."""
    if status in SUMMARY:
        return f"{SUMMARY[status]} {LIVE_CAUSE}"
    return {"running": RUNNING_BATCHES if batches else RUNNING, "paused": PAUSED}.get(status, "")


def final_status(outcome: dict, stopped_early: bool, epochs_asked: int,
                 optimum: float) -> tuple[str, str]:
    """(badge, explanation) for a variant once its run ended; `outcome` may carry advice and a note."""
    status = outcome["status"]
    advice, note = outcome.get("advice", ""), outcome.get("note", "")
    if status in SUMMARY:
        text = " ".join(filter(None, (SUMMARY[status], advice)))
    elif stopped_early:
        status, text = "stopped", (f"Stopped after epoch {outcome['epochs_run']} of "
                                   f"{epochs_asked}. Start trains again from the beginning.")
    else:
        status, text = "finished", optimum_advice(outcome["train_mse"], optimum, advice)
    return status, " ".join(filter(None, (note, text)))


def optimum_advice(train_mse: float, optimum: float, advice: str = "") -> str:
    """How far a finished variant is from the least-squares optimum, and what would close it."""
    gap = (train_mse - optimum) / optimum if optimum > 0 else 0.0
    if gap <= REACHED_BELOW:
        return "Reached the least-squares optimum: gradient descent found the best line."
    return " ".join(filter(None, (f"{fmt(100 * gap, 3)} % above the least-squares optimum.", advice)))


def describe(name: str, config: TrainingConfig) -> str:
    """A variant's one-line description for this run: which ReLU derivative, which torch.optim."""
    text = registry.info(name).description
    if name in ("manual", "semi_manual"):
        text += HAND_RULES[config.optimizer]
    if name == "manual" and config.activation == "relu":
        text += (", including the ReLU's derivative" if config.manual_relu_derivative
                 else ", without the ReLU's derivative (as the notebook wrote it)")
    return text.replace("torch.optim.SGD", OPTIMIZER_TITLES[config.optimizer])


def describe_updates(config: TrainingConfig) -> str:
    """The update rule and batch mode in a few words: `adam · minibatches of 32 (shuffle seed 123)`."""
    rule = {"sgd": "optimizer sgd", "momentum": f"optimizer momentum {fmt(config.momentum)}",
            "adam": "optimizer adam"}[config.optimizer]
    if config.batch_size is None:
        return f"{rule} · full batch"
    kind = "stochastic (batch size 1)" if config.batch_size == 1 else \
        f"minibatches of {config.batch_size}"
    return f"{rule} · {kind}, shuffle seed {config.shuffle_seed}"


def description_note(name: str, config: TrainingConfig) -> str:
    """What a card adds to its variant's description for this run ("" when nothing differs)."""
    notes = []
    if name == "manual" and config.activation == "relu":
        notes.append("including the ReLU's derivative" if config.manual_relu_derivative
                     else "here as the notebook wrote it: without the ReLU's derivative")
    if config.optimizer != "sgd":
        by_hand = name in ("manual", "semi_manual")
        notes.append(HAND_RULES[config.optimizer].strip(" ()") if by_hand
                     else f"here {OPTIMIZER_TITLES[config.optimizer]}")
    if config.batch_size is not None:
        notes.append("stochastic, one row per step" if config.batch_size == 1
                     else f"minibatches of {config.batch_size}")
    return "; ".join(notes)

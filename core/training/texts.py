"""What each card says about its variant's status, in plain language, with what to try next.

Qt-free: the page picks the sentence, the card shows it.
"""

from __future__ import annotations

from core.formatting import fmt

TRY = {
    "dead": "Try init 'shared', another seed, or activation 'none'.",
    "diverged": "Try a smaller learning rate (below about 0.5).",
    "far": "Try more epochs or a larger learning rate.",
}
REACHED_BELOW = 1e-4  # relative gap to the optimum that counts as having reached it
# Short on purpose: a card shows at most four lines; core's full sentence is the tooltip.
SUMMARY = {
    "dead": "Dead ReLU: every prediction is 0, so every gradient is 0: it cannot learn.",
    "diverged": "Diverged: each step overshoots more than the last; the loss blew up.",
}


RUNNING = "Each epoch: one gradient step on all training rows, then the loss is measured."
PAUSED = "Paused: press Resume to go on, or Stop to see the results so far."


def live_explanation(status: str) -> str:
    """The card's text while training goes on, for a status (a record's, or running/paused)."""
    if status in SUMMARY:
        return f"{SUMMARY[status]} {TRY[status]}"
    return {"running": RUNNING, "paused": PAUSED}.get(status, "")


def final_status(outcome: dict, stopped_early: bool, epochs_asked: int,
                 optimum: float) -> tuple[str, str]:
    """(badge, explanation) for a variant once its run ended."""
    status = outcome["status"]
    if status in SUMMARY:
        return status, f"{SUMMARY[status]} {TRY[status]}"
    if stopped_early:
        return "stopped", (f"Stopped after epoch {outcome['epochs_run']} of {epochs_asked}. "
                           "Start trains again from the beginning.")
    return "finished", optimum_advice(outcome["train_mse"], optimum)


def optimum_advice(train_mse: float, optimum: float) -> str:
    """How far a finished variant is from the least-squares optimum, and what would close it."""
    gap = (train_mse - optimum) / optimum if optimum > 0 else 0.0
    if gap <= REACHED_BELOW:
        return "Reached the least-squares optimum: gradient descent found the best line."
    return f"{fmt(100 * gap, 3)} % above the least-squares optimum. {TRY['far']}"

"""What each card says about its variant's status, in plain language, with what to try next.

Qt-free: the page picks the sentence, the card shows it.
"""

from __future__ import annotations

from core.formatting import fmt

TRY = {
    "dead": "What to try: init 'shared' (torch.rand starts with positive weights), another "
            "seed, a larger target shift, or activation 'none'.",
    "diverged": "What to try: a smaller learning rate. The features are standardized, so "
                "anything below about 0.5 converges; start again.",
    "far": "What to try: more epochs, or a larger learning rate.",
}
REACHED_BELOW = 1e-4  # relative gap to the optimum that counts as having reached it


def live_explanation(status: str) -> str:
    """The card's text while training goes on, for a record's status."""
    if status == "dead":
        return ("No ReLU unit is active: every prediction is 0, so every gradient is exactly 0 "
                "and this variant cannot learn any more. " + TRY["dead"])
    if status == "diverged":
        return ("The loss blew up: each step overshoots the minimum by more than the last, so "
                "training of this variant stopped. " + TRY["diverged"])
    return ""


def final_status(outcome: dict, stopped_early: bool, epochs_asked: int,
                 optimum: float) -> tuple[str, str]:
    """(badge, explanation) for a variant once its run ended."""
    detail = _sentence(outcome["detail"])
    if outcome["status"] in ("dead", "diverged"):
        return outcome["status"], f"{detail} {TRY[outcome['status']]}"
    if stopped_early:
        return "stopped", (f"Stopped after epoch {outcome['epochs_run']} of {epochs_asked}: the "
                           "numbers are where training was. Press Start to train from the beginning.")
    return "finished", f"{detail} {optimum_advice(outcome['train_mse'], optimum)}"


def optimum_advice(train_mse: float, optimum: float) -> str:
    """How far a finished variant is from the least-squares optimum, and what would close it."""
    gap = (train_mse - optimum) / optimum if optimum > 0 else 0.0
    if gap <= REACHED_BELOW:
        return "It reached the least-squares optimum: gradient descent found the best line."
    return f"Its loss is {fmt(100 * gap, 3)} % above the least-squares optimum. {TRY['far']}"


def _sentence(detail: str) -> str:
    """core's 'status: explanation' as a sentence: the prefix dropped, capitalized, a full stop."""
    text = detail.split(": ", 1)[1] if ": " in detail else detail
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."

"""The Training page says only what is there and shows it whole: the overlay's key, tab titles, the
optimizer's name at 1280x800, and the card's axis name at 3x text."""

from __future__ import annotations

from PySide6.QtGui import QTextDocument

from core.training import registry


def key_of(overlay) -> str:
    """The overlay's key as the reader sees it (non-breaking hyphens read back as hyphens)."""
    document = QTextDocument()
    document.setHtml(overlay.legend.text())
    return document.toPlainText().replace("\u2011", "-")


def test_the_overlay_key_names_only_the_variants_of_the_run(qtbot):
    from gui.training.overlay import LossOverlay

    overlay = LossOverlay()
    qtbot.addWidget(overlay)
    forgot = registry.info("no_zero_grad").title
    assert "no_zero_grad" not in registry.default_names()
    assert forgot not in key_of(overlay)  # not run by default: no curve, no key
    assert all(registry.info(name).title in key_of(overlay) for name in registry.default_names())
    overlay.reset(50, ("manual", "no_zero_grad"))
    assert forgot in key_of(overlay) and "Manual" in key_of(overlay)
    assert "Semi" not in key_of(overlay) and "Sequential" not in key_of(overlay)
    overlay.apply_look(overlay._look)  # a change of theme keeps the run's key
    assert "Semi" not in key_of(overlay) and forgot in key_of(overlay)
    overlay.reset()
    assert forgot not in key_of(overlay)


def test_starting_a_run_keys_the_overlay_by_the_chosen_variants(qtbot):
    from gui.training.page import TrainingPage
    from tests.gui.conftest import running_timers, show_active
    from tests.gui.test_training_registry import ScriptedClient

    page = TrainingPage(client=ScriptedClient())
    qtbot.addWidget(page)
    show_active(qtbot, page, 1600, 1000)
    try:
        forgot = registry.info("no_zero_grad").title
        page.settings.findChild(type(page.overlay.log_scale), "runVariant_no_zero_grad").setChecked(True)
        page.start()
        assert "no_zero_grad" in page.client.request.config.variants
        assert forgot in key_of(page.overlay)
        page.reset()
        page.settings.findChild(type(page.overlay.log_scale), "runVariant_no_zero_grad").setChecked(False)
        page.start()
        assert forgot not in key_of(page.overlay)
    finally:
        page.shutdown()
        page.close()
    assert running_timers(page) == []

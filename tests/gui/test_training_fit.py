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


def axis_name_bottom(card) -> tuple[float, float]:
    """(bottom of the bottom axis name's text, its height), in the card's coordinates."""
    from PySide6.QtCore import QPoint

    label = card.plot.getPlotItem().getAxis("bottom").label
    margin = label.document().documentMargin()
    rect = label.mapRectToScene(label.boundingRect()).adjusted(0, margin, 0, -margin)
    bottom = card.plot.mapFromScene(rect.bottomLeft()).y()
    return card.plot.mapTo(card, QPoint(0, bottom)).y(), rect.height()


def test_at_3x_a_cards_axis_name_keeps_clear_of_its_footer(qtbot):
    from tests.gui.test_readability import _settle, _training_page
    from tests.gui.windows import close_window, open_window

    window = open_window(qtbot, 1920, 1080)
    try:
        training = _training_page(qtbot, window)
        for scale in (1.0, 3.0):
            window.appearance.set_scale(scale)
            _settle(qtbot, window, True)
            for card in [card for card in training.cards.values() if card.isVisible()]:
                bottom, height = axis_name_bottom(card)
                plot_bottom = card.plot.geometry().bottom() + 1
                footer_top = min(w.geometry().top() for w in (card.log_scale, card.code_button))
                assert bottom <= plot_bottom, (scale, card.name, bottom, plot_bottom)  # not cut by the plot
                assert plot_bottom <= footer_top, (scale, card.name, plot_bottom, footer_top)
                assert footer_top - bottom >= 0.2 * height, (scale, card.name, bottom, footer_top, height)
    finally:
        window.appearance.set_scale(1.0)
        close_window(window)


def combo_room(combo) -> int:
    """The width a combo box leaves for its text (its edit field, inside frame and arrow)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    return field.width()


def test_at_1280x800_every_tab_title_and_every_choice_of_a_combo_reads_whole(qtbot):
    from PySide6.QtWidgets import QComboBox, QToolButton

    from tests.gui.test_readability import _settle, _training_page
    from tests.gui.windows import close_window, open_window

    window = open_window(qtbot, 1280, 800)
    try:
        training = _training_page(qtbot, window)
        _settle(qtbot, window, True)
        bar = training.lower_tabs.tabBar()
        # every tab whole inside the bar: no scroll arrows, nothing behind them
        assert bar.sizeHint().width() <= bar.width(), (bar.sizeHint().width(), bar.width())
        for index in range(bar.count()):
            rect = bar.tabRect(index)
            assert rect.right() < bar.width(), (bar.tabText(index), rect, bar.width())
            assert bar.fontMetrics().horizontalAdvance(bar.tabText(index)) <= rect.width()
        assert not any(button.isVisible() for button in bar.findChildren(QToolButton))  # the scroll arrows
        cut = []
        for combo in training.findChildren(QComboBox):
            if not combo.isVisible():
                continue
            room = combo_room(combo)
            cut += [(combo.objectName(), combo.itemText(i), combo.fontMetrics().horizontalAdvance(combo.itemText(i)),
                     room) for i in range(combo.count())
                    if combo.fontMetrics().horizontalAdvance(combo.itemText(i)) > room]
        assert cut == []
        # the export buttons are all still there (in a menu when the tabs need their room)
        buttons = training.exports
        exports = buttons.menu_button.menu().actions() if buttons.menu_button.isVisible() else []
        shown = [b for b in (buttons.csv_button, buttons.plot_button, buttons.animation_button) if b.isVisible()]
        assert len(shown) == 3 or len(exports) == 3
    finally:
        close_window(window)


def test_the_first_numbers_of_a_run_do_not_reflow_the_cards(qtbot):
    """At 1920 pixels the four cards stand in a row; "epoch 100" and "active 100 %" arriving keep
    them there (at the next resize they turned the row into 2×2), and every number shows whole."""
    from gui.training.page import TrainingPage
    from tests.gui.conftest import show_active
    from tests.gui.test_training_registry import ScriptedClient, columns

    page = TrainingPage(client=ScriptedClient())
    qtbot.addWidget(page)
    show_active(qtbot, page, 1916, 1000)
    try:
        before = (page.card_grid.columns, [card.wide for card in page.cards.values() if card.isVisible()])
        assert before[0] == 4
        page.start()
        names = page.client.request.config.variants
        page.client.run_started.emit({"closed_form": {"train_mse": 1.0, "test_mse": 1.0,
                                                      "weights": [1.0, 2.0], "bias": 0.5},
                                      "sample_targets": [1.0, 2.0]})
        page.client.records_received.emit({name: columns([20000.0 + i for i in range(100)]) for name in names})
        card = page.cards["manual"]
        qtbot.waitUntil(lambda: card.active_label.text() == "active 100 %")
        page.resize(page.width() - 1, page.height())  # the grid lays out again at any resize
        qtbot.wait(50)
        assert (page.card_grid.columns, [c.wide for c in page.cards.values() if c.isVisible()]) == before
        for label in (card.epoch_label, card.mse_label, card.bias_label, card.active_label):
            assert label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width(), label.text()
    finally:
        page.shutdown()
        page.close()


def test_the_export_buttons_fold_into_one_menu_that_does_what_they_do(qtbot):
    from gui.training.controls import ExportButtons

    exports = ExportButtons()
    qtbot.addWidget(exports)
    exports.show()
    exports.fit(10_000, large_text=False)
    assert [b.text() for b in exports.texts] == ["Export CSV…", "Export plot…", "Export animation…"]
    assert not exports.menu_button.isVisibleTo(exports)
    exports.fit(10_000, large_text=True)  # large text: the short names
    assert [b.text() for b in exports.texts] == ["CSV…", "Plot…", "Animation…"]
    exports.fit(100, large_text=False)  # no room even for those: one menu
    assert exports.menu_button.isVisibleTo(exports)
    assert not any(b.isVisibleTo(exports) for b in exports.texts)
    menu = exports.menu_button.menu()
    for action, signal in zip(menu.actions(), (exports.csv_clicked, exports.plot_clicked,
                                               exports.animation_clicked)):
        with qtbot.waitSignal(signal, timeout=1000):
            action.trigger()
    exports.plot_button.setEnabled(False)
    menu.aboutToShow.emit()
    assert [a.isEnabled() for a in menu.actions()] == [True, False, True]

"""The screening checklist's model and answer delegate, without a window (Vorta-style): how each
line reads, and that an edit becomes a request to the service, never a change of its own."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem, QWidget

from reseller_desk.services.applications import ChecklistItem
from reseller_desk.ui.application.checklist import (
    ANSWER_COLORS,
    CL_ANSWER,
    CL_CHECKER,
    CL_NOTE,
    CL_TEXT,
    NOTE_PLACEHOLDER,
    SYSTEM_CHECK,
    AnswerDelegate,
    ChecklistModel,
    checklist_lines,
)

LINES = (
    ChecklistItem("1", "料金の支払を怠るおそれがあるとき", "SH §14.2(1)", "hit", "該当", "",
                  ("顧客3「株式会社X」の未払い記録",), True, "", dt.datetime(2026, 11, 20, 1, 0)),
    ChecklistItem("2", "虚偽の記載があったとき", "SH §14.2(2)", "clear", "問題なし", "確認済", (), False, "事務 太郎",
                  dt.datetime(2026, 11, 20, 2, 30)),
)


@pytest.fixture
def model(qapp):
    model = ChecklistModel()
    model.set_items(LINES, editable=True)
    return model


def test_each_line_reads_with_its_evidence_answer_colour_and_who_answered(model):
    assert model.rowCount() == 2 and model.columnCount() == 7
    assert model.index(0, CL_TEXT).data() == "料金の支払を怠るおそれがあるとき\n└ 顧客3「株式会社X」の未払い記録"
    assert model.index(0, CL_ANSWER).data() == "該当"
    assert model.index(0, CL_ANSWER).data(Qt.ItemDataRole.EditRole) == "hit"
    colour = model.index(0, CL_ANSWER).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(colour, QBrush) and colour.color().name() == ANSWER_COLORS["hit"]
    assert model.index(0, CL_CHECKER).data() == SYSTEM_CHECK
    assert model.index(1, CL_CHECKER).data() == "事務 太郎"
    assert model.index(1, 5).data() == "2026-11-20 11:30"  # stored UTC, shown in Japan time


def test_an_empty_note_says_how_to_write_one(model):
    assert model.index(0, CL_NOTE).data() == NOTE_PLACEHOLDER
    assert model.index(0, CL_NOTE).data(Qt.ItemDataRole.EditRole) == ""
    assert "クリック" in model.index(0, CL_NOTE).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(1, CL_NOTE).data() == "確認済"


def test_an_edit_asks_for_the_answer_and_leaves_the_lines_as_the_service_returned(model, qtbot):
    with qtbot.waitSignal(model.answer_requested) as asked:
        assert model.setData(model.index(0, CL_ANSWER), "clear")
    assert asked.args == ["1", "clear", ""]
    with qtbot.waitSignal(model.answer_requested) as asked:
        model.setData(model.index(1, CL_NOTE), "電話で本人確認")
    assert asked.args == ["2", "clear", "電話で本人確認"]
    assert model.index(0, CL_ANSWER).data() == "該当"  # unchanged until the service answers
    assert not model.setData(model.index(0, CL_TEXT), "x")
    assert not model.setData(model.index(1, CL_ANSWER), "clear")  # the same answer asks nothing


def test_only_the_answer_and_note_of_an_open_application_are_editable(model):
    assert model.flags(model.index(0, CL_ANSWER)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, CL_NOTE)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, CL_TEXT)) & Qt.ItemFlag.ItemIsEditable
    model.set_items(LINES, editable=False)
    assert not model.flags(model.index(0, CL_ANSWER)) & Qt.ItemFlag.ItemIsEditable
    assert model.index(0, CL_NOTE).data() == ""  # no invitation to write on a decided one
    assert not model.setData(model.index(0, CL_ANSWER), "clear")


def test_the_same_lines_answered_anew_are_updated_in_place(model, qtbot):
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    answered = (LINES[0], dataclasses.replace(LINES[1], answer="hit", answer_label="該当", checked_by_name="管理 花子"))
    with qtbot.waitSignal(model.dataChanged):
        model.set_items(answered, editable=True)
    assert resets == [] and model.index(1, CL_ANSWER).data() == "該当"
    model.set_items(LINES[:1], editable=True)
    assert resets == [1] and model.rowCount() == 1


def test_the_lines_read_as_the_domain_rules_read_them(model):
    lines = checklist_lines(model.records)
    assert [(line.code, line.answer.value, line.note) for line in lines] == [("1", "hit", ""), ("2", "clear", "確認済")]


def test_the_answer_delegate_offers_the_three_answers_and_commits_the_chosen_one(model, qtbot):
    delegate = AnswerDelegate()
    parent = QWidget()
    qtbot.addWidget(parent)
    editor = delegate.createEditor(parent, QStyleOptionViewItem(), model.index(0, CL_ANSWER))
    assert isinstance(editor, QComboBox)
    assert [editor.itemText(i) for i in range(editor.count())] == ["問題なし", "該当", "未確認"]
    delegate.setEditorData(editor, model.index(0, CL_ANSWER))
    assert editor.currentData() == "hit"
    editor.setCurrentIndex(editor.findData("unchecked"))
    with qtbot.waitSignal(model.answer_requested) as asked:
        delegate.setModelData(editor, model, model.index(0, CL_ANSWER))
    assert asked.args == ["1", "unchecked", ""]

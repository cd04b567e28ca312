"""Many invoices as files: names safe on Windows and macOS, each file complete or absent, the
worker processes giving the very bytes this process renders, a cancel stopping after the file
in hand, and a file of the same name replaced only by the same invoice."""

from __future__ import annotations

import os
import stat
from dataclasses import replace

import pytest

from reseller_desk.reports import invoice_batch
from reseller_desk.reports.invoice import render_invoice
from reseller_desk.reports.invoice_batch import FileConflict, invoice_file_stem, write_file, write_invoice_files

from .invoice_samples import credit_of, one_line, rare_names, sh_debit


def items(count: int) -> list[tuple[str, object]]:
    docs = [replace(one_line(), number=f"2026-{i:06d}") for i in range(1, count + 1)]
    return [(invoice_file_stem(d.number, d.customer.name), d) for d in docs]


def test_a_file_name_is_the_number_and_the_customer():
    assert invoice_file_stem("2026-000123", "株式会社みらい商事") == "2026-000123_株式会社みらい商事"
    assert invoice_file_stem("2026-000124", "山田\u3000太郎") == "2026-000124_山田 太郎"


def test_characters_windows_or_macos_refuse_become_underscores():
    assert invoice_file_stem("2026-000125", '<株式会社&髙𠮷﨑>') == "2026-000125__株式会社&髙𠮷﨑_"
    assert invoice_file_stem("2026-000126", 'A/B:C*D?E"F|G\\H') == "2026-000126_A_B_C_D_E_F_G_H"
    assert invoice_file_stem("2026-000127", "改行\nと\tタブ\x07") == "2026-000127_改行 と タブ_"
    assert invoice_file_stem("2026-000128", "末尾の点. . ") == "2026-000128_末尾の点"
    assert invoice_file_stem("2026-000129", "") == "2026-000129"
    assert invoice_file_stem("NUL", "") == "_NUL" and invoice_file_stem("", "") == "_"


def test_a_long_name_is_cut_between_characters_to_fit_every_file_system():
    stem = invoice_file_stem("2026-000130", "株式会社" + "長" * 300)
    assert len(stem.encode()) <= invoice_batch.MAX_STEM_BYTES
    assert stem.startswith("2026-000130_株式会社長") and stem.endswith("長")
    assert invoice_file_stem("2026-000131", "ｶﾞ" * 10) == "2026-000131_" + "ｶﾞ" * 10   # NFC keeps half-width


def test_each_invoice_is_written_whole_in_order_with_progress(tmp_path):
    batch = items(3)
    calls: list[tuple[int, int]] = []
    files = write_invoice_files(batch, tmp_path / "out", progress=lambda done, total: calls.append((done, total)))
    assert files == [tmp_path / "out" / f"{stem}.pdf" for stem, _ in batch]
    assert [f.read_bytes() for f in files] == [render_invoice(d) for _, d in batch]
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f.name for f in files)
    if os.name == "posix":
        assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_the_worker_processes_write_the_same_bytes_this_process_renders(tmp_path):
    batch = items(invoice_batch.IN_PROCESS_BELOW + 5)
    batch[3] = (batch[3][0], replace(rare_names(), number="2026-000004"))
    batch[5] = (batch[5][0], replace(sh_debit(), number="2026-000006"))
    assert invoice_batch._pool_size(2, len(batch)) == min(2, os.cpu_count() or 1)
    files = write_invoice_files(batch, tmp_path, workers=2)
    assert [f.read_bytes() for f in files] == [render_invoice(d) for _, d in batch]


@pytest.mark.parametrize("count", [5, invoice_batch.IN_PROCESS_BELOW * 3], ids=["here", "workers"])
def test_a_cancel_stops_after_the_file_in_hand_and_leaves_only_complete_files(tmp_path, count):
    batch = items(count)
    done: list[int] = []
    files = write_invoice_files(batch, tmp_path, workers=2, progress=lambda d, t: done.append(d),
                                cancelled=lambda: len(done) > 3)
    assert len(files) == 3
    assert sorted(tmp_path.iterdir()) == sorted(files)             # no temporary file left behind
    assert [f.read_bytes() for f in files] == [render_invoice(d) for _, d in batch[:3]]


def test_a_cancel_before_the_first_file_writes_nothing(tmp_path):
    assert write_invoice_files(items(3), tmp_path, cancelled=lambda: True) == []
    assert list(tmp_path.iterdir()) == []


def test_a_file_of_the_same_name_is_replaced_only_by_the_same_invoice(tmp_path):
    batch = items(3)
    first = write_invoice_files(batch, tmp_path)
    again = write_invoice_files(batch, tmp_path)                    # the same invoices: replaced
    assert again == first
    stranger = tmp_path / f"{batch[2][0]}.pdf"
    stranger.write_bytes(render_invoice(credit_of(batch[2][1])))    # same name, another invoice
    (tmp_path / f"{batch[0][0]}.pdf").unlink()
    with pytest.raises(FileConflict) as refused:
        write_invoice_files(batch, tmp_path)
    assert refused.value.path == stranger
    assert not (tmp_path / f"{batch[0][0]}.pdf").exists()           # refused before writing any
    assert stranger.read_bytes() == render_invoice(credit_of(batch[2][1]))


def test_a_folder_or_a_non_pdf_of_that_name_is_never_replaced(tmp_path):
    batch = items(1)
    (tmp_path / f"{batch[0][0]}.pdf").mkdir()
    with pytest.raises(FileConflict):
        write_invoice_files(batch, tmp_path)
    other = tmp_path / "b"
    other.mkdir()
    (other / f"{batch[0][0]}.pdf").write_text("メモ", encoding="utf-8")
    with pytest.raises(FileConflict):
        write_invoice_files(batch, other)


def test_a_failed_write_leaves_neither_a_partial_file_nor_a_temporary_one(tmp_path, monkeypatch):
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(invoice_batch.os, "replace", full_disk)
    with pytest.raises(OSError):
        write_file(target, b"%PDF new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_two_invoices_with_one_file_name_are_refused(tmp_path):
    batch = items(2)
    with pytest.raises(ValueError, match="same file name"):
        write_invoice_files([batch[0], (batch[0][0], batch[1][1])], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_shipped_app_renders_in_its_own_process(monkeypatch):
    """A frozen build (PyInstaller) has no interpreter to spawn workers from."""
    monkeypatch.setattr(invoice_batch.sys, "frozen", True, raising=False)
    assert invoice_batch._pool_size(2, 1000) == 1

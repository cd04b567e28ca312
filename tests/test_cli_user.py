"""``reseller-desk user …`` run in-process through ``cli.main``: adding, listing, roles,
deactivating, resets (the temporary password printed once) and one's own password; every
refusal is a Japanese line on stderr and exit status 2."""

from __future__ import annotations

import io
import re

import pytest

from reseller_desk.cli import main
from reseller_desk.db.database import Database
from reseller_desk.services import auth, staff
from reseller_desk.services.auth import AuthenticationFailed

BOSS_PASSWORD = "first-pass-1"


def run(monkeypatch, capsys, *argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def office(new_database, monkeypatch, capsys) -> str:
    """A database with the manager tanaka and the clerk suzuki, made with the CLI."""
    path = new_database
    assert run(monkeypatch, capsys, "migrate", "--db", path)[0] == 0  # user add never creates a database
    assert run(monkeypatch, capsys, "user", "add", "--db", path, "--login", "tanaka", "--name", "田中 一郎",
               "--role", "manager", "--password-stdin", stdin=f"{BOSS_PASSWORD}\n")[0] == 0
    assert run(monkeypatch, capsys, "user", "add", "--db", path, "--login", "suzuki", "--name", "鈴木 花子",
               "--as", "tanaka", "--password-stdin", stdin=f"clerk-pass-1\n{BOSS_PASSWORD}\n")[0] == 0
    return path


def opened(path: str) -> Database:
    return Database.open(path)


def test_user_add_creates_the_first_manager_then_needs_a_manager(new_database, monkeypatch, capsys):
    path = new_database
    code, _out, err = run(monkeypatch, capsys, "user", "add", "--db", path, "--login", "tanaka", "--name", "田中",
                          "--role", "manager", "--password-stdin", stdin="first-pass-1\n")
    assert code == 2 and "reseller-desk migrate" in err  # user add never creates one
    assert run(monkeypatch, capsys, "migrate", "--db", path)[0] == 0
    code, out, _err = run(monkeypatch, capsys, "user", "add", "--db", path, "--login", "tanaka", "--name", "田中 一郎",
                          "--role", "manager", "--password-stdin", stdin="first-pass-1\n")
    assert code == 0 and out == "担当者 tanaka（田中 一郎）を登録しました。\n"
    code, _out, err = run(monkeypatch, capsys, "user", "add", "--db", path, "--login", "suzuki", "--name", "鈴木",
                          "--password-stdin", stdin="clerk-pass-1\n")
    assert code == 2 and "--as" in err
    assert run(monkeypatch, capsys, "user", "add", "--db", path, "--login", "suzuki", "--name", "鈴木", "--as", "tanaka",
               "--password-stdin", stdin="clerk-pass-1\nfirst-pass-1\n")[0] == 0
    code, _out, err = run(monkeypatch, capsys, "user", "add", "--db", path, "--login", "sato", "--name", "佐藤",
                          "--as", "tanaka", "--password-stdin", stdin="short\nfirst-pass-1\n")
    assert code == 2 and err == "エラー: パスワードは8文字以上にしてください。\n"
    db = opened(path)
    assert {s.login for s in staff.list_staff(db)} == {"tanaka", "suzuki"}
    assert not any(s.demo_account for s in staff.list_staff(db))
    db.dispose()


def test_user_list_shows_roles_and_what_is_special(office, monkeypatch, capsys):
    db = opened(office)
    manager = auth.login(db, "tanaka", BOSS_PASSWORD)
    suzuki = staff.find_staff(db, "suzuki")
    staff.reset_password(db, manager, suzuki.id, expected_version=suzuki.row_version)
    db.dispose()
    code, out, _err = run(monkeypatch, capsys, "user", "list", "--db", office)
    assert code == 0
    assert out.splitlines() == ["tanaka       田中 一郎  管理者", "suzuki       鈴木 花子  事務（パスワード変更待ち）"]


def test_set_role_deactivate_and_activate_as_a_manager(office, monkeypatch, capsys):
    manager = ("--as", "tanaka", "--password-stdin")
    code, out, _ = run(monkeypatch, capsys, "user", "set-role", "suzuki", "manager", "--db", office, *manager,
                       stdin=f"{BOSS_PASSWORD}\n")
    assert code == 0 and out == "鈴木 花子（suzuki）の役割を「管理者」にしました。\n"
    code, out, _ = run(monkeypatch, capsys, "user", "deactivate", "suzuki", "--db", office, *manager,
                       stdin=f"{BOSS_PASSWORD}\n")
    assert code == 0 and out == "鈴木 花子（suzuki）を無効にしました（ログインできません）。\n"
    assert "鈴木 花子  管理者（無効）" in run(monkeypatch, capsys, "user", "list", "--db", office)[1]
    code, out, _ = run(monkeypatch, capsys, "user", "activate", "suzuki", "--db", office, *manager,
                       stdin=f"{BOSS_PASSWORD}\n")
    assert code == 0 and out == "鈴木 花子（suzuki）を有効に戻しました。\n"


def test_refusals_are_one_japanese_line_and_exit_status_2(office, monkeypatch, capsys):
    cases = [
        (("user", "deactivate", "tanaka", "--as", "tanaka"), BOSS_PASSWORD,
         "エラー: 自分のアカウントは無効にできません。ほかの管理者に依頼してください。\n"),
        (("user", "set-role", "tanaka", "clerk", "--as", "tanaka"), BOSS_PASSWORD,
         "エラー: 田中 一郎さんは、ログインできる最後の管理者です。事務にすると、誰も担当者や設定を管理できなくなります。"
         "先にほかの担当者を管理者にしてください。\n"),
        (("user", "deactivate", "suzuki", "--as", "tanaka"), "wrong-password", "エラー: ログインIDかパスワードが違います。\n"),
        (("user", "deactivate", "tanaka", "--as", "suzuki"), "clerk-pass-1",
         "エラー: 「担当者の無効化・再開」は管理者だけが行えます（鈴木 花子さんは事務です）。\n"),
        (("user", "reset-password", "ghost", "--as", "tanaka"), BOSS_PASSWORD,
         "エラー: ログインID「ghost」の担当者はいません。\n"),
        (("user", "activate", "suzuki", "--as", "tanaka"), "", "エラー: 標準入力にパスワードがありません。\n"),
    ]
    for argv, password, message in cases:
        code, out, err = run(monkeypatch, capsys, *argv, "--db", office, "--password-stdin",
                             stdin=f"{password}\n" if password else "")
        assert (code, out, err) == (2, "", message), argv


def test_reset_password_prints_the_temporary_password_once_and_it_must_be_changed(office, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "user", "reset-password", "suzuki", "--as", "tanaka", "--db", office,
                       "--password-stdin", stdin=f"{BOSS_PASSWORD}\n")
    assert code == 0
    first, second = out.splitlines()
    temporary = re.fullmatch(r"鈴木 花子（suzuki）の仮パスワード: ([a-z2-9-]{14})", first).group(1)
    assert temporary not in second and "今だけ表示します" in second
    # As --as, an account waiting for its new password is sent to `user passwd` first.
    code, _out, err = run(monkeypatch, capsys, "user", "deactivate", "tanaka", "--as", "suzuki", "--db", office,
                          "--password-stdin", stdin=f"{temporary}\n")
    assert code == 2 and "reseller-desk user passwd suzuki" in err
    code, out, _ = run(monkeypatch, capsys, "user", "passwd", "suzuki", "--db", office, "--password-stdin",
                       stdin=f"{temporary}\nsuzuki-own-1\n")
    assert code == 0 and out == "鈴木 花子（suzuki）のパスワードを変更しました。\n"
    db = opened(office)
    try:
        actor = auth.login(db, "suzuki", "suzuki-own-1")
        assert not auth.must_change_password(db, actor)
        with pytest.raises(AuthenticationFailed):
            auth.login(db, "suzuki", temporary)
    finally:
        db.dispose()


def test_passwd_needs_the_current_password_and_checks_the_new_one(office, monkeypatch, capsys):
    code, _out, err = run(monkeypatch, capsys, "user", "passwd", "suzuki", "--db", office, "--password-stdin",
                          stdin="not-my-password\nnew-pass-123\n")
    assert (code, err) == (2, "エラー: ログインIDかパスワードが違います。\n")
    code, _out, err = run(monkeypatch, capsys, "user", "passwd", "suzuki", "--db", office, "--password-stdin",
                          stdin="clerk-pass-1\nshort\n")
    assert (code, err) == (2, "エラー: パスワードは8文字以上にしてください。\n")
    assert run(monkeypatch, capsys, "user", "passwd", "suzuki", "--db", office, "--password-stdin",
               stdin="clerk-pass-1\nnew-pass-123\n")[0] == 0


def test_passwords_typed_at_the_terminal_are_asked_and_a_new_one_twice(office, monkeypatch, capsys):
    answers = iter(["clerk-pass-1", "new-pass-123", "new-pass-124"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _out, err = run(monkeypatch, capsys, "user", "passwd", "suzuki", "--db", office)
    assert (code, err) == (2, "エラー: パスワードが一致しません。\n")


def test_a_refused_log_in_in_a_real_process_prints_its_one_line_and_no_log_record(office):
    """Outside pytest no logging handler is set up: the log-in's warning must not reach stderr
    through logging's last-resort handler beside the error line."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "reseller_desk", "user", "passwd", "suzuki", "--db", office,
                             "--password-stdin"], input="wrong-password\nnew-password-1\n", capture_output=True,
                            text=True, timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", "エラー: ログインIDかパスワードが違います。\n")

"""The desktop window (PySide6). Windows, dialogs and table models only: every read and write
goes through ``reseller_desk.services`` (off the UI thread, through operations.py); no SQL and
no business rule lives here — the window asks the domain's rules to enable its buttons.

app.py           run_app() / create_main_window(): QApplication (Qt in Japanese), fonts, error
                 handler, database, the demo filled first, then who is working (login.py)
login.py         the log-in dialog and the first-start dialog (first 管理者)
main_window.py   sections (SECTIONS: one line each), menus, shortcuts, status bar, 担当者の切替
operations.py    Operations.run(): service calls off the UI thread, Changes signal, progress
stale_edit.py    a stale save refused (naming who changed it): 最新の内容を読み込む / 閉じる
errors.py        sys/threading excepthook -> log file (Japan time) + short Japanese message
fonts.py         the shipped fonts
widgets.py       formatting, red field messages, font-coverage warnings, small Qt helpers
tables.py        RecordTableModel (columns described once), list views, the kept selection
customer_model.py / customer_page.py / customer_form.py / customer_fields.py   the 顧客 section
incidents.py     顧客の記録 (資格取消, 未払い …) that screening reads, from the customer form
application_model.py / application_page.py / application/   the 申込 section: intake,
                 screening, decision, withdrawal, the postal identity check, notices
audit_page.py / audit_format.py   the 操作履歴 section (managers), its Japanese and its CSV
settings/        the 設定 section, one module per tab
"""

"""The desktop window (PySide6). Windows, dialogs and table models only: every read and write
goes through ``reseller_desk.services``; no SQL and no business rule lives here.

app.py           run_app() / create_main_window(): QApplication, fonts, error handler, database,
                 the demo filled first, then who is working (login.py)
login.py         the log-in dialog and the first-start dialog (first 管理者)
main_window.py   sections (SECTIONS: one line each), menus, shortcuts, status bar, 担当者の切替
operations.py    Operations.run(): service calls off the UI thread, Changes signal, progress
errors.py        sys/threading excepthook -> log file + short Japanese message
fonts.py         the shipped IPAex fonts
customer_model.py / customer_page.py / customer_form.py   the 顧客 section
incidents.py     顧客の記録 (資格取消, 未払い …) that screening reads, from the customer form
application_model.py / application_page.py / application_dialog.py   the 申込 section: intake,
                 screening, decision, withdrawal, the postal identity check, notices
audit_page.py    the 操作履歴 section (managers)
settings_page.py the 設定 section
widgets.py       money/date formatting, red field messages
"""

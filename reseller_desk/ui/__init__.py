"""The desktop window (PySide6). Windows, dialogs and table models only: every read and write
goes through ``reseller_desk.services``; no SQL and no business rule lives here.

app.py           run_app() / create_main_window(): QApplication, fonts, error handler, database
main_window.py   sections (SECTIONS: one line each), menus, shortcuts, status bar
operations.py    Operations.run(): service calls off the UI thread, Changes signal, progress
errors.py        sys/threading excepthook -> log file + short Japanese message
fonts.py         the shipped IPAex fonts
customer_model.py / customer_page.py / customer_form.py   the 顧客 section
settings_page.py the 設定 section
widgets.py       money/date formatting, red field messages
"""

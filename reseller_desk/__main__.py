import multiprocessing

from reseller_desk.cli import main

if __name__ == "__main__":
    # A frozen build (PyInstaller) renders invoice PDFs in worker processes too
    # (reports.invoice_batch spawns them); freeze_support lets such a child run its task.
    multiprocessing.freeze_support()
    raise SystemExit(main())

"""Money in (issue 12): payments and their applications (ledger), and what reads or writes them."""

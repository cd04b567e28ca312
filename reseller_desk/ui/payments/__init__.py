"""The 入金 section (issue 12): payments, statement import and matching, payer names, bank CSV layouts."""

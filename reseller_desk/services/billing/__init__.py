"""Billing: the monthly run, issued invoices and their corrections, the hash chain, call charges.

Every invoice is written by :mod:`reseller_desk.services.billing.issuing` (numbers, the frozen
content, the hash chain, the lines), inside the caller's transaction.
"""

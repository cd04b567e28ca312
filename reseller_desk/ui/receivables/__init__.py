"""売掛金: the aging table per customer and each customer's account window (open invoices, the
credit, write-offs, late interest, the 取引明細書)."""

"""保証金 (利用保証金, SC §9.10–13): the section page and its dialogs."""

"""口座振替: the collection day's request file, the bank's result and what it settled."""

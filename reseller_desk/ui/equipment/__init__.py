"""Equipment screens (issue 11)."""

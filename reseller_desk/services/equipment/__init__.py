"""Equipment (issue 11): inventory, rentals and sales, returns after a contract ends, damages and
penalties, warranty replacements. ``units`` is the one writer of a unit's status and history."""

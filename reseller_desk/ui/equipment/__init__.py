"""The 機器 section: the units in stock and out, receiving new stock, a unit's detail and history."""

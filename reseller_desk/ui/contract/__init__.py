"""The contract's screens: the 契約 list's model, the contract window (its tabs) and the
dialogs of the actions its status allows."""

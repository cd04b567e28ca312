"""The contract after it is formed: its history (history), forming one (forming), and the
lifecycle's use cases."""

"""The 請求書 screens: the list, the preview and printing, and the correction dialog."""

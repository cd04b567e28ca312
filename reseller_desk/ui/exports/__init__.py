"""The 出力 section: the accountant's journals (preview, problems, 書き出し…)."""

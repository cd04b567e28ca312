"""The 設定 section, one module per tab (company_tab, bank_accounts_tab, closures_tab,
plans_tab with its plan_dialog) on a common base (tab), gathered by the page (page)."""

"""The 申込 window, one module per part: the intake form (intake_form, applicant, documents),
the screening checklist (checklist, screening_panel), the decision (decision_panel,
decision_dialogs), the notices (notices_panel) and the window that holds them (window)."""

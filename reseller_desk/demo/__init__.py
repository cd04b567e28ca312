"""Demo data: a believable office with N customers and their contracts, so that the window, the
benchmarks and the issues to come (billing, equipment, payments) see what a real office holds.

- :mod:`.people`: the customers (法人 and 個人, names, readings, addresses, phones, 法人番号);
- :mod:`.office`: staff, company, plans and options, and ``fill_demo``;
- :mod:`.stories`: each contract's year of history as a story walked through the state machine
  (pure: no database);
- :mod:`.contracts`: the stories written in bulk;
- :mod:`.applications`: applications at every status, through the services.
"""

from reseller_desk.demo.office import (
    DEMO_BANK_ACCOUNTS,
    DEMO_COMPANY,
    DEMO_OPTIONS,
    DEMO_PLANS,
    DEMO_STAFF,
    DemoSummary,
    ensure_demo_staff,
    fill_demo,
    insert_customers,
)
from reseller_desk.demo.people import demo_customer

__all__ = ["DEMO_BANK_ACCOUNTS", "DEMO_COMPANY", "DEMO_OPTIONS", "DEMO_PLANS", "DEMO_STAFF", "DemoSummary",
           "demo_customer", "ensure_demo_staff", "fill_demo", "insert_customers"]

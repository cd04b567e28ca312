from reseller_desk.cli import main

raise SystemExit(main())

"""Pure business rules and value objects. Imports neither Qt nor SQLAlchemy and does no I/O
beyond reading the terms-profile data files it is pointed at."""

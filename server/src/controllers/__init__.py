"""Use cases: what each endpoint does, with one commit per unit of work. No HTTP here."""

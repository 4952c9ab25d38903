"""Virtual keys: model, stores (SQLite, PostgreSQL), a short-lived lookup cache, and issuing."""

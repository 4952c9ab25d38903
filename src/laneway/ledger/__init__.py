"""The spend ledger: one row per request, written off the request path."""

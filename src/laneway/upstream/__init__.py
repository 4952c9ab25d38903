"""Upstream providers: the OpenAI-compatible HTTP client and the simulated upstream."""

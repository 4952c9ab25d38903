"""Rate limits and budget reservations: protocols, an in-process backend and a Redis backend."""

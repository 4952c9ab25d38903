"""Sessions: a session key -> the model it is pinned to, and whether (and why) it escalated."""

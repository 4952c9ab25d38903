"""Lanes of work, request profiles and the lane classifier."""

"""Jobseekers' applications: their lifecycle and the use-cases that create and move them."""

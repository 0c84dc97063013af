"""Procedures, counters and life events: the one-stop guide (issue 4)."""

"""The ward's garbage sorting dictionary (open data): import, lookup in nine languages, pages and API."""

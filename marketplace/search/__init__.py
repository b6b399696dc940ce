"""Full-text search behind a port: the app speaks to api.py; the Whoosh engine lives in whoosh/."""

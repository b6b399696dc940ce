"""Server-side events with no personal data, and the funnel built from them."""

"""Full-text search: the Whoosh index as a replica of the database, and the query object that reads it."""

"""Email: messages written to a durable outbox in the business transaction, sent after commit."""

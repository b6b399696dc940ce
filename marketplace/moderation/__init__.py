"""Moderation: review of listings before they go live, decisions with reasons, and the audit trail."""

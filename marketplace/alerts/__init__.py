"""Job alerts: saved searches, matching new listings to them, and the digests that tell people."""

"""Schools and trusts, their staff, and their verification."""

"""People who use the marketplace: registration, sign-in, email verification and password reset."""

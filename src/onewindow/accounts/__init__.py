"""Staff accounts and their roles; applicants and OIDC sign-in come later."""

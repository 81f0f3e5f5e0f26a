"""Shared small things: the official working-day calendar, ID validation, the audit log, numbering."""

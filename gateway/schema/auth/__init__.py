"""Accounts, sessions, profiles, API keys and user administration."""

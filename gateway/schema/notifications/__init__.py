"""Notifications, webhooks, and the live subscriptions (notifications, jobUpdates)."""

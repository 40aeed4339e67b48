"""Settings: shared SYNTHETICA_ values, overridden per service by the service's own prefix."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.auth.settings import AuthSettings


def test_service_prefix_overrides_the_shared_value(monkeypatch):
    monkeypatch.setenv("SYNTHETICA_DATABASE_URL", "postgresql+psycopg2://shared/db")
    monkeypatch.setenv("SYNTHETICA_SERVICE_TOKEN", "t")
    monkeypatch.setenv("SYNTHETICA_GRPC_PORT", "7000")
    assert AuthSettings().database_url == "postgresql+psycopg2://shared/db"
    assert AuthSettings().grpc_port == 7000
    monkeypatch.setenv("AUTH_DATABASE_URL", "postgresql+psycopg2://auth-only/db")
    monkeypatch.setenv("AUTH_ADMIN_EMAILS", "a@example.com, b@example.com")
    settings = AuthSettings()
    assert settings.database_url == "postgresql+psycopg2://auth-only/db"
    assert settings.admin_emails == ["a@example.com", "b@example.com"]


def test_missing_required_settings_fail_fast(monkeypatch):
    monkeypatch.delenv("SYNTHETICA_DATABASE_URL", raising=False)
    monkeypatch.delenv("AUTH_DATABASE_URL", raising=False)
    monkeypatch.setenv("SYNTHETICA_SERVICE_TOKEN", "t")
    with pytest.raises(ValidationError, match="database_url"):
        AuthSettings()

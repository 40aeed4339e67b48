"""A project's privacy gate: datasets stores it with the project's settings, training applies it
to every synthetic batch of the project, so both import it from here."""

from __future__ import annotations

from enum import StrEnum


class PrivacyGate(StrEnum):
    """What a project does with a synthetic batch whose privacy verdict is FAIL."""

    # Every ready batch downloads.
    OFF = "off"
    # A batch downloads only once its verdict is known and is not FAIL.
    BLOCK = "block"
    # As BLOCK, but an owner (or an admin) may release a FAIL batch, giving a reason.
    OWNER_OVERRIDE = "owner_override"

    @property
    def on(self) -> bool:
        return self is not PrivacyGate.OFF

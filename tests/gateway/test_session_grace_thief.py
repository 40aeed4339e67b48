"""What a thief holding a copy of the refresh cookie gets from the grace window
(AUTH_REFRESH_REUSE_GRACE_SECONDS), through the dashboard's cookie session: a replay inside
the window while the owner's renewal arrived does not outlive the owner's next renewal, and
nothing survives a logout."""

from __future__ import annotations

from tests.gateway.test_gateway_session_grace import gateways, reason, signed_in

__all__ = ["gateways", "signed_in"]  # the fixtures, used by name


async def test_a_thiefs_replay_in_the_window_ends_with_the_owners_next_renewal(signed_in):
    owner, _ = await signed_in()
    stolen = owner.refresh_cookie
    assert (await owner.renew()).status_code == 200  # the owner's renewal arrives
    owners_next = owner.refresh_cookie
    thief = await owner.renew(stolen)  # inside the window, before the owner renewed again
    assert thief.status_code == 200
    thiefs_next = thief.cookies["syn_refresh"]
    carried = await owner.renew(thiefs_next)  # the thief carries on first
    assert carried.status_code == 200
    thiefs_latest = carried.cookies["syn_refresh"]
    # The owner's next renewal sees a sibling used: the whole login ends, the thief's too.
    ended = await owner.renew(owners_next)
    assert ended.status_code == 401 and reason(ended) == "REFRESH_TOKEN_REUSED"
    assert (await owner.renew(thiefs_latest)).status_code == 401
    assert (await owner.renew(stolen)).status_code == 401


async def test_nothing_renews_after_a_logout_even_inside_the_window(signed_in):
    owner, _ = await signed_in()
    before = owner.refresh_cookie
    assert (await owner.renew()).status_code == 200
    current = owner.refresh_cookie
    out = await owner.client.post(
        "/session/logout",
        headers={
            "x-csrf-token": owner.csrf,
            "cookie": f"syn_csrf={owner.csrf}; syn_refresh={current}",
        },
    )
    assert out.status_code in (200, 204), out.text
    owner.client.cookies.clear()
    for cookie in (before, current):
        assert (await owner.renew(cookie)).status_code == 401

"""Which webhook destinations are allowed: IPv6 forms that
reach IPv4 are judged by the IPv4 address they reach or refused, and a refusal says the same
whether the host does not exist or names something internal."""

from __future__ import annotations

import ipaddress

import pytest

from common.addresses import AddressPolicy, AddressRefused
from services.notify import webhooks


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b:1::5db8:d822",  # local-use NAT64
        "2002:5db8:d822::1",  # 6to4, even of a public address
        "2002:a9fe:a9fe::1",
        "::5db8:d822",  # IPv4-compatible
        "::ffff:0:5db8:d822",  # IPv4-translated
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "fec0::1",  # site-local
        "::ffff:10.1.2.3",  # IPv4-mapped private
        "fe80::1",
        "fc00::1",
        "::1",
    ],
)
def test_internal_and_embedding_forms_are_refused(address):
    assert not AddressPolicy([]).allows(ipaddress.ip_address(address))


def test_embedding_forms_stay_refused_when_the_embedded_network_is_allowed():
    policy = AddressPolicy(["127.0.0.0/8"])
    assert policy.allows(ipaddress.ip_address("127.0.0.1"))
    for address in ("::7f00:1", "2002:7f00:1::1", "::ffff:0:7f00:1"):
        assert not policy.allows(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "64:ff9b::5db8:d822"])
def test_public_addresses_are_allowed(address):
    """A DNS64 network answers 64:ff9b::<IPv4> for IPv4-only public hosts: those still work."""
    assert AddressPolicy([]).allows(ipaddress.ip_address(address))


async def test_a_refusal_does_not_say_whether_the_name_exists():
    policy = AddressPolicy([])
    messages = []
    for host in ("localhost", "does-not-exist.invalid"):
        with pytest.raises(AddressRefused) as info:
            await webhooks.resolve(policy, f"http://{host}/hook")
        messages.append(str(info.value).replace(host, "HOST"))
    assert messages[0] == messages[1]

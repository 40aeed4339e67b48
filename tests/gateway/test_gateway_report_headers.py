"""The report page cannot be framed, post a form, or leak its signed link.

The page shows a batch's private statistics (category values, example rows, privacy
distances) and is opened by a signed link whose token is in its URL. Its policy allowed
inline styles only, but ``default-src`` does not cover ``frame-ancestors``, ``form-action``
or ``base-uri``: any site could frame the page of a link it held, and markup that slipped
past escaping could post a form anywhere. It now says ``frame-ancestors 'none'``,
``form-action 'none'`` and ``base-uri 'none'``, and ``Referrer-Policy: no-referrer`` keeps
the link's token out of any Referer, as the dashboard's own pages do.
"""

from __future__ import annotations

import pytest

from tests.gateway.test_gateway_evaluation import client, ready_report, token_of  # noqa: F401
from tests.services.evaluation.test_evaluation_service import generated_batch

pytestmark = pytest.mark.usefixtures("training_worker")


async def test_the_report_page_forbids_framing_forms_and_referrers(client, world):  # noqa: F811
    user = await world.user()
    _, batch_id = await generated_batch(world, user)
    report = await ready_report(client, token_of(user), batch_id)

    for link in (report["htmlUrl"], report["jsonUrl"]):
        page = await client.get(link)
        assert page.status_code == 200
        policy = {
            part.strip().split(" ", 1)[0]: part.strip()
            for part in page.headers["content-security-policy"].split(";")
        }
        assert policy["default-src"] == "default-src 'none'"
        assert policy["frame-ancestors"] == "frame-ancestors 'none'"
        assert policy["form-action"] == "form-action 'none'"
        assert policy["base-uri"] == "base-uri 'none'"
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["x-content-type-options"] == "nosniff"

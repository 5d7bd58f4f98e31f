from datetime import timedelta

from django.utils import timezone

from carbon import demo
from carbon.models import Usage
from members import demo as members_demo
from tests.carbon.factories import UsageFactory


def test_page_requires_a_session(client, db):
    response = client.get("/carbon/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_page_shows_the_chart_and_latest_usages(client, user):
    UsageFactory(user=user, usage_at=timezone.now() - timedelta(days=3))
    client.force_login(user)
    response = client.get("/carbon/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    assert html.count('class="bar"') == 1
    assert "electricity" in html
    assert "<script" not in html


def test_page_with_no_usages(client, user):
    client.force_login(user)
    assert "No usages yet" in client.get("/carbon/").content.decode()


def test_demo_seed_is_idempotent(db):
    members_demo.seed()
    first = demo.seed()
    count = Usage.objects.count()
    second = demo.seed()
    assert count >= 4 * 12
    assert Usage.objects.count() == count
    assert first.startswith(f"{count} demo usages added")
    assert second.startswith("0 demo usages added")

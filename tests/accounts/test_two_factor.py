"""Staff sign in to the admin with a TOTP second factor; readers are not asked for one."""

import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.staff import sign_in_staff


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def admin_login(client, password, token=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "moderator", "password": password, "otp_token": token, "next": "/admin/"},
    )


@pytest.mark.django_db
def test_a_moderator_enrols_on_first_sign_in_and_reaches_the_queue(moderator):
    client = Client()
    response = admin_login(client, "pw-moderator")
    assert response.status_code == 302
    # Signed in with the password only: the admin is still closed, enrolment comes first.
    to_enrol = client.get("/admin/login/?next=/admin/")
    assert to_enrol["Location"] == "/accounts/two-factor/?next=%2Fadmin%2F"
    assert client.get("/admin/community/experience/").status_code == 302
    page = client.get(to_enrol["Location"])
    assert "<svg" in page.content.decode() and "private" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=moderator, confirmed=False)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        wrong = client.post("/accounts/two-factor/", {"code": "000000", "next": "/admin/"})
        assert wrong.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
        clock.shift(2)  # a wrong code makes the next try wait a second
        device.refresh_from_db()
        done = client.post("/accounts/two-factor/", {"code": code_for(device), "next": "/admin/"})
    codes = re.findall(r"<code>(\w+)</code>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/admin/community/experience/").status_code == 200


@pytest.mark.django_db
def test_an_enrolled_moderator_needs_the_code_or_a_recovery_code(moderator):
    sign_in_staff(Client(), moderator)  # enrolled
    device = TOTPDevice.objects.get(user=moderator)
    without = Client()
    response = admin_login(without, "pw-moderator")
    assert response.status_code == 200 and "验证码" in response.content.decode()
    assert without.get("/admin/").status_code == 302
    with_code = Client()
    assert admin_login(with_code, "pw-moderator", code_for(device)).status_code == 302
    assert with_code.get("/admin/").status_code == 200
    recovery = StaticToken.objects.create(device=_static(moderator), token="recover123")
    first, second = Client(), Client()
    assert admin_login(first, "pw-moderator", recovery.token).status_code == 302
    assert admin_login(second, "pw-moderator", recovery.token).status_code == 200  # used up


def _static(user):
    return StaticDevice.objects.create(user=user, name="recovery")


@pytest.mark.django_db
def test_readers_are_not_asked_for_a_second_factor(make_user):
    reader = make_user("reader")
    client = Client()
    response = client.post("/accounts/login/", {"username": "reader", "password": "pw-reader"})
    assert response.status_code == 302
    assert client.get("/accounts/").status_code == 200
    assert client.get("/accounts/two-factor/").status_code == 404
    assert not TOTPDevice.objects.filter(user=reader).exists()


@pytest.mark.django_db
def test_the_admin_login_page_asks_for_the_code():
    page = Client().get("/admin/login/").content.decode()
    assert 'name="otp_token"' in page and 'autocomplete="one-time-code"' in page
    assert 'href="/accounts/password/reset/"' in page


@pytest.mark.django_db
def test_a_password_alone_cannot_replace_an_enrolled_authenticator(moderator):
    sign_in_staff(Client(), moderator)  # enrolled: one confirmed app
    thief = Client()
    response = thief.post("/accounts/login/", {"username": "moderator", "password": "pw-moderator"})
    assert response.status_code == 302  # the site's login asks no code
    page = thief.get("/accounts/two-factor/")
    assert page.status_code == 302
    assert page["Location"] == "/admin/login/?next=%2Faccounts%2Ftwo-factor%2F"
    assert thief.post("/accounts/two-factor/", {"code": "123456"}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=moderator).values_list("name", flat=True)) == ["app"]


@pytest.mark.django_db
def test_a_verified_staff_member_may_replace_their_authenticator(moderator):
    client = sign_in_staff(Client(), moderator)
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200 and "<svg" in page.content.decode()


@pytest.mark.django_db
def test_each_enrolment_page_shows_a_new_secret(moderator):
    client = Client()
    client.force_login(moderator)  # not enrolled yet
    first = client.get("/accounts/two-factor/").content.decode()
    second = client.get("/accounts/two-factor/").content.decode()
    secret = re.compile(r'two-factor__secret">(\w+)<')
    assert secret.search(first)[1] != secret.search(second)[1]
    assert TOTPDevice.objects.filter(user=moderator).count() == 1


@pytest.mark.django_db
def test_unpublished_articles_need_the_second_factor(make_article, editor):
    from articles.models import Article

    draft = make_article("草稿", status=Article.Status.DRAFT)
    password_only = Client()
    password_only.force_login(editor)
    assert password_only.get(draft.get_absolute_url()).status_code == 404
    assert sign_in_staff(Client(), editor).get(draft.get_absolute_url()).status_code == 200

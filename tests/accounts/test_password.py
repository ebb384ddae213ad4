"""Password reset by e-mail, and password change, through the real views."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

PASSWORD = "an-Old-passw0rd"
NEW_PASSWORD = "a-New-passw0rd-2026"


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user(
        "reader", email="reader@example.com", password=PASSWORD
    )


def ask_for_reset(client, email):
    return client.post("/accounts/password/reset/", {"email": email})


def reset_link():
    (message,) = mail.outbox
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)


def set_new_password(client, link, password=NEW_PASSWORD):
    """Open the e-mailed link and send the new password; return the final response."""
    form_page = client.get(link, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": password, "new_password2": password},
    )


@pytest.mark.django_db
def test_a_reader_who_forgot_their_password_resets_it_from_the_email(reader):
    client = Client()
    response = ask_for_reset(client, "reader@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    (message,) = mail.outbox
    assert message.to == ["reader@example.com"]
    assert "明白还款" in message.subject and "新密码" in message.subject
    assert message.alternatives and "text/html" in message.alternatives[0][1]
    done = set_new_password(client, reset_link())
    assert done["Location"] == "/accounts/password/reset/done/"
    assert Client().login(username="reader", password=NEW_PASSWORD)


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_email(reader):
    known = ask_for_reset(Client(), "reader@example.com")
    unknown = ask_for_reset(Client(), "nobody@example.com")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_reset_link_works_once(reader):
    ask_for_reset(Client(), "reader@example.com")
    link = reset_link()
    set_new_password(Client(), link)
    again = Client().get(link, follow=True)
    assert again.status_code == 200
    assert "无法使用" in again.content.decode()
    assert 'href="/accounts/password/reset/"' in again.content.decode()


@pytest.mark.django_db
def test_a_reset_link_expires_after_a_day(reader):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        ask_for_reset(Client(), "reader@example.com")
        link = reset_link()
        clock.shift(datetime.timedelta(days=1, seconds=1))
        response = Client().get(link, follow=True)
        assert 'name="new_password1"' not in response.content.decode()
        assert Client().login(username="reader", password=PASSWORD)


@pytest.mark.django_db
def test_an_altered_link_gets_a_clear_page(reader):
    response = Client().get("/accounts/password/reset/MQ/not-a-token/", follow=True)
    assert response.status_code == 200
    assert 'href="/accounts/password/reset/"' in response.content.decode()


@pytest.mark.django_db
def test_reset_requests_are_limited_per_address_and_per_client(settings, reader):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password-reset": 3, "password-reset-email": 2}
    codes = [ask_for_reset(Client(REMOTE_ADDR=f"10.0.0.{n}"), "reader@example.com").status_code
             for n in range(3)]  # fmt: skip
    assert codes == [302, 302, 429]
    client = Client(REMOTE_ADDR="10.9.9.9")
    codes = [ask_for_reset(client, f"other{n}@example.com").status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]
    blocked = ask_for_reset(Client(REMOTE_ADDR="10.0.0.5"), "reader@example.com")
    assert 'value="reader@example.com"' in blocked.content.decode()  # the form comes back filled


@pytest.mark.django_db
def test_a_signed_in_reader_changes_their_password(reader):
    client = Client()
    client.force_login(reader)
    wrong = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    changed = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed["Location"] == "/accounts/"
    assert client.get("/accounts/").status_code == 200  # still signed in
    assert Client().login(username="reader", password=NEW_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/accounts/password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}),
        ("/accounts/", {"email": "new@example.com"}),
    ],
)
def test_a_signed_in_session_cannot_guess_the_password_without_limit(settings, reader, url, fields):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-user": 2}
    client = Client()
    client.force_login(reader)
    password = "old_password" if url == "/accounts/password/" else "password"
    for guess in ("guess-1", "guess-2"):
        client.post(url, {**fields, password: guess})
    blocked = client.post(url, {**fields, password: PASSWORD})
    assert blocked.status_code == 200 and "尝试次数过多" in blocked.content.decode()
    assert Client().login(username="reader", password=PASSWORD)  # unchanged

"""Signing staff in as the admin requires: their password and their second factor."""

import re

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

# The secret of the authenticator app of staff made in server tests' databases.
APP_KEY = "3132333435363738393031323334353637383930"


def app_code(key=APP_KEY):
    """Return the code an authenticator app with `key` shows now."""
    return f"{totp(bytes.fromhex(key)):06d}"


def sign_in_staff(client, user):
    """Sign `user` in on `client` as if they had typed their authenticator app's code."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="app", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def sign_in_staff_in_browser(page, user, password, then):
    """Sign `user` in on the admin login in `page`, with an authenticator app; land on `then`."""
    TOTPDevice.objects.create(user=user, name="app", key=APP_KEY, confirmed=True)
    page.goto(f"/admin/login/?next={then}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    page.locator("#id_otp_token").fill(app_code())
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(then) + "$"))
    return user

"""Members: names nobody can imitate, and e-mail addresses confirmed by a link.

A name's key is what a reader would take it for: NFKC-normalised, each
character that looks like a Latin or common one (Cyrillic "а", the digit "0")
replaced by it, case folded. "chen_mamа" with a Cyrillic "а" has the key of
"chen_mama", so it cannot sign up beside it. Chinese names keep their
characters.

An address is confirmed by a signed link (django.core.signing) that names the
account, the address and the address it replaces; it expires after
EMAIL_CONFIRMATION_SECONDS and works once: after it, the account's address is
no longer the one the link replaces.
"""

import functools
import importlib
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction

from community.models import Member

_SALT = "community.members.email"


def name_key(username):
    """Return the key that names readers could mistake for `username` share."""
    name = unicodedata.normalize("NFKC", username)
    # Latin preferred: Cyrillic, Greek and common characters (digits) that look like a
    # Latin letter become it ("B0B" and "BOB", "reader1" and "readerl" share a key).
    found = _confusables().is_confusable(name, greedy=True, preferred_aliases=["latin"])
    for character in found or ():
        latin = [glyph["c"] for glyph in character["homoglyphs"] if glyph["c"].isascii()]
        if latin:
            name = name.replace(character["character"], latin[0])
    return name.casefold()[:150]


@functools.cache
def _confusables():
    """Load the Unicode confusables table on first use: 18 MB that only new names need."""
    return importlib.import_module("confusable_homoglyphs.confusables")


def look_alike_taken(username, *, exclude=None):
    """Tell whether an account other than `exclude` has a name readers could mistake for it."""
    taken = Member.objects.filter(name_key=name_key(username))
    if exclude is not None:
        taken = taken.exclude(user=exclude)
    return taken.exists()


def member(user):
    """Return the Member of `user`, made on first use."""
    found, _ = Member.objects.get_or_create(
        user=user, defaults={"name_key": name_key(user.get_username())}
    )
    return found


def confirmation_token(user, email):
    """Return the token of a link that confirms `email` as the address of `user`."""
    return signing.dumps({"user": user.pk, "email": email, "replaces": user.email}, salt=_SALT)


class LinkInvalid(Exception):
    """The link was altered, or never made here."""


class LinkExpired(Exception):
    """The link is too old, or was used already."""


@transaction.atomic
def confirm(token):
    """Confirm the address a link names; return its user. Raise LinkInvalid or LinkExpired."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.EMAIL_CONFIRMATION_SECONDS)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    user = get_user_model().objects.select_for_update().filter(pk=data["user"]).first()
    if user is None or user.email != data["replaces"]:
        raise LinkExpired  # used already, or the address changed since
    found = member(user)
    if found.email_confirmed and user.email == data["email"]:
        raise LinkExpired
    user.email = data["email"]
    user.save(update_fields=["email"])
    found.confirmed_email = data["email"]
    found.save(update_fields=["confirmed_email"])
    return user

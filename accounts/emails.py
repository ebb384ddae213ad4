"""The account e-mails: plain text and HTML, in the site's language (templates/accounts/email/)."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def send(name, to, context, *, request=None):
    """Send the e-mail `name` (its _subject.txt, .txt and .html templates) to one address."""
    context = {**context, "site_name": settings.SITE_NAME}
    if request is not None:
        context["site_url"] = request.build_absolute_uri("/").rstrip("/")

    def render(suffix):
        return render_to_string(f"accounts/email/{name}{suffix}", context)

    message = EmailMultiAlternatives(
        subject=" ".join(render("_subject.txt").split()),
        body=render(".txt"),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(render(".html"), "text/html")
    try:
        message.send()
    except Exception:  # a mail server that is down must not undo or stop what was done
        logger.exception("could not send the %s e-mail", name)

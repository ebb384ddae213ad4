"""Background work of the community, run by the task worker (`manage.py worker`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from community import digests


@db_periodic_task(crontab(minute="*/10"))
def moderation_digest():
    """Every ten minutes: send the Moderators a digest if the queue waited too long."""
    digests.send_if_due()

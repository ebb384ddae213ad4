"""Background work of the articles, run by the task worker (`manage.py worker`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from articles import reviews


@db_periodic_task(crontab(day_of_week="1", hour="1", minute="0"))
def review_reminder():
    """Mondays at 09:00 Beijing time: tell the Editors which articles are due for review."""
    reviews.send_weekly_reminder()

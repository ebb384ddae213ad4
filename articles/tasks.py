"""Background work of the articles, run by the task worker (`manage.py worker`).

This module loads huey and numpy (articles/ranking.py): the worker imports it, and so
does a process that changes an article, when it queues `follow_related`
(articles/background.py); the processes that only serve pages never do.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from articles import ranking, reviews, searchlog


@db_periodic_task(crontab(day_of_week="1", hour="1", minute="0"), retries=6, retry_delay=600)
def review_reminder():
    """Mondays at 09:00 Beijing time: tell the Editors which articles are due for review."""
    reviews.send_weekly_reminder()


@db_task(retries=3, retry_delay=30)
def follow_related(article_id):
    """Bring every "people also read" list in step with one changed article."""
    ranking.follow(article_id)


@db_periodic_task(crontab(hour="19", minute="30"))
def prune_search_log():
    """Daily at 03:30 Beijing time: delete the search log's days older than SEARCH_LOG_DAYS."""
    searchlog.prune()

"""Queue work for the task worker without loading the queue into every web process.

Queuing a task means importing its module, and with it huey's storage and numpy (20 MB
a process). Pages never queue anything; a process that changes an article does, so the
task module is imported here, by name, the first time it is needed.
"""

import importlib

from django.db import transaction


def follow_later(article, *, eta=None):
    """Once the transaction commits, have the worker update every list `article` is in.

    With `eta` (a scheduled article's publication time), at that moment instead.
    """
    article_id = article.pk

    def queue():
        task = _tasks().follow_related
        if eta is None:
            task(article_id)
        else:
            task.schedule(args=(article_id,), eta=eta)

    transaction.on_commit(queue, robust=True)


def _tasks():
    return importlib.import_module("articles.tasks")

"""`manage.py worker`: the task worker (huey's consumer) with the portal's settings.

It runs the tasks the site queues and the periodic ones (the moderation digest).
One is enough on one machine; with several, point them all at the same Redis
(REDIS_URL) and run one worker per machine or more (docs/deploy.md).
"""

from huey.contrib.djhuey.management.commands import run_huey


class Command(run_huey.Command):
    help = "Run the task worker: queued background jobs and the periodic ones."

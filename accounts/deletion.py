"""Deleting an account: the reader's right to leave (PIPL art. 47).

Everything that points at the account goes with it: its posts in every state
(or, if the reader chooses, the published ones stay, signed DELETED_AUTHOR and
linked to no account), its reports, its Member record, its second-factor
devices, its sessions. Moderators' decisions on posts stay readable in the
admin history: LogEntry keeps the post's title and the decision, not the author.
"""

from django.contrib.auth import logout
from django.db import transaction

from caching.dependencies import changed
from community.models import Experience


@transaction.atomic
def delete_account(request, *, keep_published_posts):
    """Delete the signed-in reader's account; sign them out. Return the old address."""
    user = request.user
    email = user.email
    posts = Experience.objects.filter(author=user)
    if keep_published_posts:
        kept = list(posts.approved())
        posts.approved().update(author=None)
        # Their pages show the author's name: renew them (update() sends no signal).
        changed(*kept)
    # CASCADE removes the rest: posts not kept, reports, Member, devices.
    user.delete()
    logout(request)
    return email

"""Recompute every name key: digits that look like Latin letters now count as them."""

from django.conf import settings
from django.db import migrations

from community.members import name_key


def recompute(apps, schema_editor):
    Member = apps.get_model("community", "Member")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    names = dict(User.objects.values_list("pk", "username"))
    changed = []
    for member in Member.objects.all().iterator():
        key = name_key(names.get(member.user_id, ""))
        if key != member.name_key:
            member.name_key = key
            changed.append(member)
    Member.objects.bulk_update(changed, ["name_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0007_starting_reasons"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]

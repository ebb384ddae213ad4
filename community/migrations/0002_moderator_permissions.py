"""Give the Moderators group exactly what working the queue needs.

Experiences: view and change (approve, reject, hide, edit out personal data).
Reports: view and delete (dismiss a report made in bad faith).
No add or delete on experiences, nothing on users, groups or articles.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = [
    "view_experience",
    "change_experience",
    "view_report",
    "delete_report",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("community")
    app_config.models_module = True  # the historical app stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="community", codename__in=MODERATOR_PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="community", codename__in=MODERATOR_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("articles", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

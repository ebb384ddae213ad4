"""Create the Editors group with exactly the article, category and tag permissions.

(The Moderators group is the community app's: see its migrations.)
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = ["article", "category", "tag"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make sure
    # this app's exist now so that the group can be given them.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True  # the historical app stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles", content_type__model__in=EDITOR_MODELS
        )
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]

"""Moderators keep saved rejection reasons; a starting list for this site's field."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = ["view_savedreason", "add_savedreason", "change_savedreason", "delete_savedreason"]

REASONS = [
    ("个人信息", "帖子里仍有能认出具体某人的信息（姓名、单位、住址等）。请删去后再提交。"),
    ("广告引流", "帖子含有广告、代办或联系方式引流，本站不允许。请删去相关内容后再提交。"),
    ("辱骂攻击", "帖子含有辱骂或人身攻击的内容。请平和地描述经过后再提交。"),
    ("内容不实", "帖子中有明显不实或误导读者的说法。请只写你亲身经历的事实。"),
    ("与主题无关", "帖子与债务、网贷、征信或催收无关。请分享与这些主题有关的经历。"),
    ("违法内容", "帖子涉及违法借贷或教唆违法的内容，不能发布。"),
]


def add(apps, schema_editor):
    app_config = apps.get_app_config("community")
    app_config.models_module = True  # the historical app stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    SavedReason = apps.get_model("community", "SavedReason")
    for label, text in REASONS:
        SavedReason.objects.get_or_create(label=label, defaults={"text": text})
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(content_type__app_label="community", codename__in=PERMISSIONS)
    )


def remove(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="community", codename__in=PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [("community", "0006_saved_reasons")]

    operations = [migrations.RunPython(add, remove)]

"""Moderators manage watched words; a starting list for this site's field.

Most rules flag rather than block: victims write the same words when they warn others
("征信修复 took my money"), and a moderator tells the two apart. Only phrases no honest
post needs are blocked; insults are blanked out.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = ["view_watchedword", "add_watchedword", "change_watchedword", "delete_watchedword"]

# (pattern, is_regex, category, action)
RULES = [
    # Scam advertising: credit "repair", loans for blacklisted borrowers, cash-out.
    ("征信修复", False, "scam", "flag"),
    ("征信洗白", False, "scam", "flag"),
    ("洗白征信", False, "scam", "flag"),
    ("消除逾期", False, "scam", "flag"),
    ("逾期铲单", False, "scam", "flag"),
    ("黑户贷款", False, "scam", "flag"),
    ("黑户秒下", False, "scam", "block"),
    ("包下款", False, "scam", "flag"),  # also inside 钱包下款
    ("100%下款", False, "scam", "flag"),  # read as 100下款: also 借了2100，下款
    ("强制下款", False, "scam", "flag"),  # victims of forced loans write it too
    ("秒批秒下", False, "scam", "block"),
    ("无视征信", False, "scam", "flag"),
    ("不看征信", False, "scam", "flag"),
    ("内部渠道", False, "scam", "flag"),
    ("代办贷款", False, "scam", "flag"),
    ("信用卡套现", False, "scam", "flag"),
    ("花呗套现", False, "scam", "flag"),
    ("代还信用卡", False, "scam", "flag"),
    ("撸口子", False, "scam", "flag"),
    ("新口子", False, "scam", "flag"),
    ("裸贷", False, "scam", "flag"),
    ("刷单返利", False, "scam", "flag"),
    ("(?:低息|无息|免息).{0,6}(?:秒批|秒到|秒下|下款)", True, "scam", "flag"),
    ("(?:贷款|借款|下款).{0,4}(?:找我|私聊|私信)", True, "scam", "flag"),
    # Contact touting: the IDs themselves are masked; these are the invitations.
    ("加.{0,2}(?:微信|威信|薇信|v信|vx|wx|qq|扣扣)", True, "contact", "flag"),
    ("私聊我", False, "contact", "flag"),
    ("私信我", False, "contact", "flag"),
    ("扫码", False, "contact", "flag"),
    ("二维码", False, "contact", "flag"),
    ("进群", False, "contact", "flag"),
    ("加群", False, "contact", "flag"),
    # Abuse: insults are blanked out, threats go to a moderator.
    ("傻逼", False, "abuse", "replace"),
    ("煞笔", False, "abuse", "replace"),
    ("操你妈", False, "abuse", "replace"),
    ("草泥马", False, "abuse", "replace"),
    ("人渣", False, "abuse", "replace"),
    ("畜生", False, "abuse", "replace"),
    ("狗东西", False, "abuse", "replace"),
    ("弄死你", False, "abuse", "flag"),
    ("全家死光", False, "abuse", "flag"),
    ("去死吧", False, "abuse", "flag"),
    # Other: gambling, laundering and fake invoices advertised under loan topics.
    ("网赌", False, "other", "flag"),
    ("博彩", False, "other", "flag"),
    ("跑分", False, "other", "flag"),
    ("代开发票", False, "other", "block"),
]


def add(apps, schema_editor):
    app_config = apps.get_app_config("community")
    app_config.models_module = True  # the historical app stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    WatchedWord = apps.get_model("community", "WatchedWord")
    for pattern, is_regex, category, action in RULES:
        WatchedWord.objects.get_or_create(
            pattern=pattern, is_regex=is_regex, defaults={"category": category, "action": action}
        )
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
    dependencies = [("community", "0010_watched_words")]

    operations = [migrations.RunPython(add, remove)]

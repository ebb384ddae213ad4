"""Demo readers and their experiences, for `manage.py seed_demo`."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article
from community.models import Experience, Member

CONTRIBUTOR_PASSWORD = "reader-demo-2026"  # noqa: S105  # nosec B105
CONTRIBUTORS = ["lin_xiaoyu", "ajie2024", "chen_mama"]

# (author, status, related article slug, tags, title, body)
EXPERIENCES = [
    (
        "lin_xiaoyu",
        Experience.Status.APPROVED,
        "tongxunlu-bei-bao-si-bu",
        ["爆通讯录", "暴力催收", "投诉渠道"],
        "被爆通讯录的第三天，我做了这几件事",
        "去年一笔小额网贷逾期了二十多天，催收开始给我同事和表姐打电话。我先在部门群里简单说明"
        "情况，请大家不用理会；然后把所有催收电话录音，截图保存短信，整理好时间线后向平台客服和"
        "12378 投诉。大概一周后，打给亲友的电话就停了。最重要的体会是：先开口说明，比躲着强。",
    ),
    (
        "ajie2024",
        Experience.Status.APPROVED,
        "yinhang-gexinghua-fenqi-tanpan",
        ["信用卡", "个性化分期", "协商还款"],
        "和银行谈成了 36 期个性化分期",
        "我有两张信用卡一共欠了七万多，失业后连最低还款都还不上。按文章里说的，我准备了失业证明、"
        "银行流水和家庭开支清单，直接打信用卡中心客服，说明愿意还、但需要分期。第一次被拒，"
        "第二次转到专门的协商部门，最后谈成 36 期，免了部分违约金。整个过程大概花了三周。",
    ),
    (
        "chen_mama",
        Experience.Status.APPROVED,
        "zhengxin-yiyi-liucheng-shixian",
        ["征信异议", "上征信", "征信查询"],
        "一条不是我的逾期记录，终于删掉了",
        "办房贷时才发现征信报告上有一条我从没借过的消费贷逾期。我去人民银行征信中心的网点打印了"
        "报告，当场提交异议申请，同时联系了那家机构。二十天左右收到回复，确认是他人冒用信息，"
        "记录被删除。提醒大家：每年记得免费查两次自己的征信，别等到办贷款才发现问题。",
    ),
    (
        "lin_xiaoyu",
        Experience.Status.APPROVED,
        "kantouxi-hefa-ma-zenme-ban",
        ["砍头息", "网贷", "年化利率"],
        "借一万到手八千，我算了真实利率",
        "当时急用钱，在一个小平台借了一万，说是服务费直接扣两千，到手八千，每月还九百多，还十二期。"
        "后来按文章的方法算了一下，真实年化远远超过法律保护的上限。我保留了合同和转账记录，"
        "向当地金融监管部门反映，平台最后同意按实际到手金额重新计算。",
    ),
    (
        "ajie2024",
        Experience.Status.APPROVED,
        "",
        ["以贷养贷", "债务重组", "家庭理财"],
        "停止以贷养贷之后的第一年",
        "最多的时候我同时在还九个网贷，每个月发工资第一件事就是拆东墙补西墙。决定停下来那天，"
        "我把所有欠款写在一张表上，按利率从高到低排序，和家人摊牌，一家一家去谈延期和分期。"
        "一年过去，还剩三笔，虽然日子紧，但晚上终于睡得着了。",
    ),
    (
        "chen_mama",
        Experience.Status.PENDING,
        "cuishou-neng-zuo-bu-neng-zuo",
        ["暴力催收", "投诉渠道"],
        "催收冒充律师给我发“律师函”",
        "上个月收到一条短信，说是某律师事务所，要求三天内还款否则上门。我打电话到当地律师协会"
        "查询，根本没有这位律师。催收的号码是 138 1234 5678，我已经把截图交给平台客服。"
        "大家遇到类似的“律师函”先核实，不要慌。",
    ),
    (
        "lin_xiaoyu",
        Experience.Status.PENDING,
        "susong-shixiao-san-nian",
        ["起诉", "诉讼时效", "借条"],
        "朋友借钱不还，我差点过了诉讼时效",
        "前年借给朋友两万，写了借条但没写还款日期。拖了快三年才想起来问律师，才知道诉讼时效"
        "需要靠催款记录来中断。幸好我每隔几个月都在微信上催过，聊天记录都在。现在已经起诉立案了。",
    ),
]


def create_demo_experiences():
    """Create the demo readers and their posts once; return how many posts were added."""
    User = get_user_model()
    authors = {}
    for username in CONTRIBUTORS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com"}
        )
        if created:
            user.set_password(CONTRIBUTOR_PASSWORD)
            user.save()
            # Demo readers have confirmed their (example.com) addresses.
            Member.objects.filter(user=user).update(confirmed_email=user.email)
        authors[username] = user
    moderator = User.objects.filter(groups__name="Moderators").first()
    slugs = [slug for _, _, slug, *_ in EXPERIENCES if slug]
    articles = Article.objects.in_bulk(slugs, field_name="slug")
    added = 0
    for age, (author, status, slug, tags, title, body) in enumerate(EXPERIENCES):
        if Experience.objects.filter(author=authors[author], title=title).exists():
            continue
        approved = status == Experience.Status.APPROVED
        experience = Experience.objects.create(
            author=authors[author],
            status=status,
            article=articles.get(slug),
            title=title,
            body=body,
            moderated_by=moderator if approved else None,
            moderated_at=timezone.now() if approved else None,
        )
        experience.tags.set(tags)
        # Spread the demo posts over the past weeks, the oldest first in the list.
        created_at = timezone.now() - datetime.timedelta(days=3 * (len(EXPERIENCES) - age))
        Experience.objects.filter(pk=experience.pk).update(created_at=created_at)
        added += 1
    return added

"""Posts never expose phone numbers, resident IDs, bank cards or e-mail addresses."""

import dataclasses
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from community.masking import MaskResult, mask_personal_data

POSITIVE_CASES = [
    # Mobile numbers, contiguous and grouped.
    pytest.param(
        "我的手机号是13812345678，请勿外传。",
        "我的手机号是138****5678，请勿外传。",
        1,
        id="phone-contiguous-in-sentence",
    ),
    pytest.param("13812345678是催收员的号码", "138****5678是催收员的号码", 1, id="phone-at-start"),
    pytest.param("催收员的电话：13912345678", "催收员的电话：139****5678", 1, id="phone-at-end"),
    pytest.param("13512345678", "135****5678", 1, id="phone-alone"),
    pytest.param(
        "电话138 1234 5678打了十几次", "电话138 **** 5678打了十几次", 1, id="phone-spaced"
    ),
    pytest.param("号码是138-1234-5678。", "号码是138-****-5678。", 1, id="phone-dashed"),
    pytest.param(
        "他用+8613812345678给我打电话", "他用+86138****5678给我打电话", 1, id="phone-plus86"
    ),
    pytest.param(
        "来电+86 138 1234 5678，自称律师",
        "来电+86 138 **** 5678，自称律师",
        1,
        id="phone-plus86-spaced",
    ),
    pytest.param("来电+86-13812345678", "来电+86-138****5678", 1, id="phone-plus86-dash"),
    pytest.param("号码8613812345678", "号码86138****5678", 1, id="phone-86-prefix"),
    pytest.param("号码0086 13812345678", "号码0086 138****5678", 1, id="phone-0086-spaced"),
    pytest.param("号码008613812345678", "号码0086138****5678", 1, id="phone-0086-contiguous"),
    pytest.param("号码(+86)13812345678", "号码(+86)138****5678", 1, id="phone-paren-plus86"),
    pytest.param(
        "号码（+86）138-1234-5678", "号码（+86）138-****-5678", 1, id="phone-fullwidth-paren-plus86"
    ),
    pytest.param("号码１３８１２３４５６７８", "号码１３８****５６７８", 1, id="phone-fullwidth"),
    pytest.param(
        "号码１３８ １２３４ ５６７８。",
        "号码１３８ **** ５６７８。",
        1,
        id="phone-fullwidth-spaced",
    ),
    pytest.param(
        "＋８６１３８１２３４５６７８", "＋８６１３８****５６７８", 1, id="phone-fullwidth-plus86"
    ),
    pytest.param(
        "他们用15987654321给我打电话，说要上门。",
        "他们用159****4321给我打电话，说要上门。",
        1,
        id="phone-next-to-chinese",
    ),
    pytest.param("（17712345678）", "（177****5678）", 1, id="phone-in-fullwidth-parens"),
    pytest.param("“19912345678”", "“199****5678”", 1, id="phone-in-chinese-quotes"),
    pytest.param("**16612345678**", "**166****5678**", 1, id="phone-in-markdown-bold"),
    pytest.param(
        "13812345678和13987654321都是他们的号",
        "138****5678和139****4321都是他们的号",
        2,
        id="two-phones",
    ),
    # Resident ID numbers.
    pytest.param(
        "身份证号110105199003071239被泄露了",
        "身份证号110*************39被泄露了",
        1,
        id="id-digit-check",
    ),
    pytest.param("身份证：44010619880808123X", "身份证：440*************3X", 1, id="id-x-check"),
    pytest.param(
        "身份证：44010619880808123x", "身份证：440*************3x", 1, id="id-lowercase-x"
    ),
    pytest.param(
        "身份证320102 19781231 5679，", "身份证320*** ******** **79，", 1, id="id-grouped-spaces"
    ),
    pytest.param(
        "身份证号110105199003071234（我打错了一位）",
        "身份证号110*************34（我打错了一位）",
        1,
        id="id-wrong-checksum-still-masked",
    ),
    pytest.param(
        "510107200002290010是我的身份证", "510*************10是我的身份证", 1, id="id-at-start"
    ),
    pytest.param(
        "身份证３２０１０２１９７８１２３１５６７９",
        "身份证３２０*************７９",
        1,
        id="id-fullwidth",
    ),
    pytest.param(
        "110105199003071231是身份证还是卡号？",
        "**************1231是身份证还是卡号？",
        1,
        id="id-wrong-checksum-but-luhn-valid-masked-as-card",
    ),
    # Bank card numbers (all Luhn-valid).
    pytest.param("卡号6222021234567894，", "卡号************7894，", 1, id="card-16-contiguous"),
    pytest.param("卡号6222 0212 3456 7894。", "卡号**** **** **** 7894。", 1, id="card-16-spaced"),
    pytest.param("卡号6222-0212-3456-7894", "卡号****-****-****-7894", 1, id="card-16-dashed"),
    pytest.param("信用卡4111111111111111逾期", "信用卡************1111逾期", 1, id="card-16-visa"),
    pytest.param("卡号62220212345678903", "卡号*************8903", 1, id="card-17-contiguous"),
    pytest.param("卡号6222-0212-3456-7890-3", "卡号****-****-****-*890-3", 1, id="card-17-dashed"),
    pytest.param("卡号622202123456789012", "卡号**************9012", 1, id="card-18-contiguous"),
    pytest.param(
        "卡号6228480123456789015被扣款", "卡号***************9015被扣款", 1, id="card-19-contiguous"
    ),
    pytest.param(
        "卡号6228 4801 2345 6789 015", "卡号**** **** **** ***9 015", 1, id="card-19-spaced"
    ),
    # E-mail addresses.
    pytest.param(
        "邮箱zhangsan@example.com，有事联系", "邮箱z***@example.com，有事联系", 1, id="email-plain"
    ),
    pytest.param(
        "发到zhang.san@mail.example.com.cn了", "发到z***@mail.example.com.cn了", 1, id="email-dots"
    ),
    pytest.param("邮箱：li+loan@qq.com。", "邮箱：l***@qq.com。", 1, id="email-plus"),
    pytest.param(
        "wang_wu@mail.bank.co.uk是他的邮箱",
        "w***@mail.bank.co.uk是他的邮箱",
        1,
        id="email-at-start",
    ),
    pytest.param("QQ邮箱123456789@qq.com", "QQ邮箱1***@qq.com", 1, id="email-digit-local-part"),
    pytest.param("邮箱a@b.cn", "邮箱a***@b.cn", 1, id="email-one-letter-local"),
    # Several kinds in one post.
    pytest.param(
        "催收员（13812345678）让我往6222021234567894还款，回执发zhangsan@example.com。",
        "催收员（138****5678）让我往************7894还款，回执发z***@example.com。",
        3,
        id="phone-card-email",
    ),
    pytest.param(
        "身份证和卡号连在一起：11010519491231002X6222021234567894",
        "身份证和卡号连在一起：110*************2X************7894",
        2,
        id="id-glued-to-card",
    ),
    pytest.param(
        "**6222 0212 3456 7894** 和 **zhangsan@example.com**",
        "****** **** **** 7894** 和 **z***@example.com**",
        2,
        id="card-and-email-in-markdown-bold",
    ),
    pytest.param(
        "他拿着我的身份证110105199003071239打给我妈18612345678",
        "他拿着我的身份证110*************39打给我妈186****5678",
        2,
        id="id-and-phone",
    ),
]

NEGATIVE_CASES = [
    pytest.param("上个月借了3000元，逾期7天。", id="amount-yuan"),
    pytest.param("欠款¥12,500.00，利息1.5万。", id="amount-with-decimals-and-wan"),
    pytest.param("2024-05-12 13:45收到催收短信", id="iso-date-and-time"),
    pytest.param("2024年5月12日下午", id="chinese-date"),
    pytest.param("合同日期20240512", id="compact-date"),
    pytest.param("1990年出生，2015年第一次借网贷", id="years"),
    pytest.param("验证码 123456，五分钟内有效", id="verification-code"),
    pytest.param("年化利率24%，超过了36%", id="percentages"),
    pytest.param("打12378投诉，或者打12363", id="regulator-hotlines"),
    pytest.param("报警打110，银行客服95588", id="short-service-numbers"),
    pytest.param("客服热线400-820-8820", id="400-hotline"),
    pytest.param("移动客服10086", id="carrier-hotline"),
    pytest.param("公司座机010-12345678", id="beijing-landline"),
    pytest.param("公司座机021-6123 4567", id="shanghai-landline-spaced"),
    pytest.param("编号12345678901", id="eleven-digits-not-mobile-prefix"),
    pytest.param("订单号213812345678", id="phone-inside-longer-run"),
    pytest.param("流水号１３８１２３４５６７８９", id="fullwidth-phone-inside-longer-run"),
    pytest.param("订单号6222021234567891", id="luhn-invalid-16-digits"),
    pytest.param("订单号62220212345678901", id="luhn-invalid-17-digits"),
    pytest.param("订单号123456789012345678", id="luhn-invalid-18-digits-not-an-id"),
    pytest.param("订单号1234567890123456789", id="luhn-invalid-19-digits"),
    pytest.param("卡号6222 0212 3456 7891", id="luhn-invalid-grouped"),
    pytest.param("卡号62220212345678940", id="luhn-valid-card-inside-longer-run"),
    pytest.param("号码138****5678", id="already-masked-phone"),
    pytest.param("身份证110*************34", id="already-masked-id"),
    pytest.param("卡号**** **** **** 7894", id="already-masked-card"),
    pytest.param("邮箱z***@example.com", id="already-masked-email"),
    pytest.param("微博@催收曝光台 说", id="at-mention-not-email"),
    pytest.param("总共欠了13,800,000,000元", id="amount-with-thousands-commas"),
    pytest.param("利率先后是15.4 18.2 24 36 12.5 13.3 14", id="list-of-decimals"),
    pytest.param("路由器地址192.168.1.1", id="ip-address"),
    pytest.param("内网地址192.168.10.200", id="ip-address-of-eleven-digits"),
    pytest.param("订单号 138-1234-5678-90", id="grouped-order-number"),
    pytest.param("编号2024.138.1234.5678", id="dotted-reference-number"),
    pytest.param("升级到1.3.8.1.2.3.4.5.6.7.8版", id="version-number-of-eleven-digits"),
    pytest.param("2024/10/13 13:45 和 2024.10.14", id="dates-with-slashes-and-dots"),
    pytest.param("一三五七九号楼", id="chinese-numerals-short"),
    pytest.param("借了一万三千八百元，还了两千", id="chinese-amount-with-units"),
    pytest.param("编号1 2 3 4 5 6 7 8 9 0 1", id="spaced-eleven-digits-not-mobile-prefix"),
    pytest.param("1 3 8 1 2 3 4 5 6 7 8 9", id="spaced-twelve-digits"),
]


@pytest.mark.parametrize(("text", "expected", "count"), POSITIVE_CASES)
def test_personal_data_is_masked(text, expected, count):
    assert mask_personal_data(text) == MaskResult(text=expected, count=count)


@pytest.mark.parametrize(("text", "expected", "count"), POSITIVE_CASES)
def test_masking_a_masked_text_changes_nothing(text, expected, count):
    assert mask_personal_data(expected) == MaskResult(text=expected, count=0)


@pytest.mark.parametrize("text", NEGATIVE_CASES)
def test_text_without_personal_data_is_left_alone(text):
    assert mask_personal_data(text) == MaskResult(text=text, count=0)


def test_mask_result_is_immutable():
    result = mask_personal_data("13812345678")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "13812345678"


def test_empty_text_is_unchanged():
    assert mask_personal_data("") == MaskResult(text="", count=0)


# --- property tests -----------------------------------------------------------------------

CHINESE_WORDS = [
    "催收",
    "逾期",
    "网贷",
    "电话",
    "还款",
    "利息",
    "短信",
    "威胁",
    "家人",
    "公司",
    "上门",
    "协商",
    "投诉",
    "我",
    "他说",
    "今天",
    "银行",
    "征信",
]
CHINESE_PUNCTUATION = list("，。！？；：、（）《》“”…—")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
FULL_WIDTH_ASCII = {0x21 + offset: 0xFF01 + offset for offset in range(94)}
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

joiners = st.sampled_from(CHINESE_WORDS + CHINESE_PUNCTUATION)


def digit_strings(length):
    return st.text(alphabet="0123456789", min_size=length, max_size=length)


def luhn_check_digit(payload):
    total = 0
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str(-total % 10)


def id_check_character(first17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


CHINESE_NUMERALS = {
    "0": "〇零",
    "1": "一幺壹",
    "2": "二两贰",
    "3": "三叁",
    "4": "四肆",
    "5": "五伍",
    "6": "六陆",
    "7": "七柒",
    "8": "八捌",
    "9": "九玖",
}


@st.composite
def phones(draw):
    number = "1" + draw(st.sampled_from("3456789")) + draw(digit_strings(9))
    # Digits as typed, in Chinese numerals, or a mix of both.
    style = draw(st.sampled_from(["digits", "numerals", "mixed"]))
    if style != "digits":
        number = "".join(
            draw(st.sampled_from(CHINESE_NUMERALS[digit]))
            if style == "numerals" or draw(st.booleans())
            else digit
            for digit in number
        )
    separator = draw(st.sampled_from(["", " ", "-", ".", "/", "\u3000"]))
    if separator in {" ", "-", "\u3000"} and draw(st.booleans()):
        number = separator.join(number)  # one between every digit
    elif separator:
        number = separator.join([number[:3], number[3:7], number[7:]])
    prefix = draw(
        st.sampled_from(
            ["", "+86", "+86 ", "+86-", "86", "86 ", "0086", "0086 ", "(+86)", "（+86）", "(+86) "]
        )
    )
    value = prefix + number
    return value.translate(FULL_WIDTH) if draw(st.booleans()) else value


@st.composite
def ids(draw, checksum_valid=True):
    region = draw(st.sampled_from("123456789")) + draw(digit_strings(5))
    birth = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)))
    first17 = region + birth.strftime("%Y%m%d") + draw(digit_strings(3))
    check = id_check_character(first17)
    if not checksum_valid:
        check = draw(st.sampled_from("0123456789X").filter(lambda c: c != check))
    if check == "X" and draw(st.booleans()):
        check = "x"
    value = first17 + check
    if draw(st.booleans()):
        value = f"{value[:6]} {value[6:14]} {value[14:]}"
    return value


@st.composite
def cards(draw):
    payload = draw(st.sampled_from("3456")) + draw(digit_strings(draw(st.integers(14, 17))))
    number = payload + luhn_check_digit(payload)
    separator = draw(st.sampled_from(["", " ", "-"]))
    if separator:
        number = separator.join(number[i : i + 4] for i in range(0, len(number), 4))
    return number


labels = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)


@st.composite
def emails(draw):
    local = draw(st.sampled_from("abcxyz0123")) + draw(
        st.text(alphabet="abcxyz0123._+-", max_size=10)
    )
    domain = ".".join(draw(st.lists(labels, min_size=1, max_size=3)))
    tld = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=4))
    address = f"{local}@{domain}.{tld}"
    # Typed with a Chinese input method in full-width mode.
    return address.translate(FULL_WIDTH_ASCII) if draw(st.booleans()) else address


personal_values = st.one_of(phones(), ids(), ids(checksum_valid=False), cards(), emails())


@st.composite
def texts_with_personal_data(draw):
    # Tokens are glued without separators, including ASCII glue, to provoke odd adjacencies.
    tokens = draw(
        st.lists(
            st.one_of(
                personal_values,
                joiners,
                st.sampled_from([" ", "-", "*", "**", "****", "X", "@", "a", ".", "+86", "（"]),
                st.text(alphabet="0123456789０１", max_size=6),
            ),
            max_size=12,
        )
    )
    return "".join(tokens)


@st.composite
def texts_without_personal_data(draw):
    tokens = draw(
        st.lists(
            st.one_of(
                st.sampled_from(CHINESE_WORDS + CHINESE_PUNCTUATION),
                st.text(alphabet="0123456789", min_size=1, max_size=6),
                st.text(alphabet="０１２３４５６７８９", min_size=1, max_size=6),
            ),
            max_size=12,
        )
    )
    # Chinese glue between tokens: spaces or dashes could assemble a grouped phone number.
    glue = draw(st.lists(joiners, min_size=len(tokens), max_size=len(tokens)))
    return "".join(token + joint for token, joint in zip(tokens, glue, strict=True))


@st.composite
def chinese_texts_embedding(draw):
    values = draw(st.lists(personal_values, min_size=1, max_size=4))
    parts = [draw(joiners)]
    for value in values:
        parts += [value, draw(joiners)]
    return "".join(parts), values


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_masking_arbitrary_text_twice_equals_masking_once(text):
    once = mask_personal_data(text)
    assert mask_personal_data(once.text) == MaskResult(text=once.text, count=0)


@settings(max_examples=200, deadline=None)
@given(texts_with_personal_data())
def test_masking_text_with_personal_data_twice_equals_masking_once(text):
    once = mask_personal_data(text)
    assert mask_personal_data(once.text) == MaskResult(text=once.text, count=0)


@settings(max_examples=200, deadline=None)
@given(texts_without_personal_data())
def test_text_of_words_punctuation_and_short_numbers_is_unchanged(text):
    assert mask_personal_data(text) == MaskResult(text=text, count=0)


@settings(max_examples=200, deadline=None)
@given(chinese_texts_embedding())
def test_every_embedded_personal_value_is_masked_and_counted(case):
    text, values = case
    result = mask_personal_data(text)
    assert result.count == len(values)
    for value in values:
        assert value not in result.text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("电话１３８－１２３４－５６７８好", "电话１３８－****－５６７８好"),
        ("号码138\u30001234\u30005678。", "号码138\u3000****\u30005678。"),
        ("号码138\u00a01234\u00a05678。", "号码138\u00a0****\u00a05678。"),
        ("打138 12345678找他", "打138 ****5678找他"),
        ("发到alice＠qq.com了", "发到a***@qq.com了"),
        ("身份证110105－19490101－0013", "身份证110***－********－**13"),
    ],
    ids=["full-width dash", "ideographic space", "no-break space", "3-8 grouping",
         "full-width at sign", "full-width dash in an ID"],
)  # fmt: skip
def test_separators_from_chinese_input_methods_are_understood(text, expected):
    result = mask_personal_data(text)
    assert (result.text, result.count) == (expected, 1)
    assert mask_personal_data(result.text).count == 0


# Every form in which people write a number or an address to slip it past a filter, from
# the tries of 2026-11-30 on: each is masked once, and masking the result changes nothing.
WRITTEN_FORMS = [
    ("电话1 3 8 1 2 3 4 5 6 7 8找我", "电话1 3 8 * * * * 5 6 7 8找我"),
    ("电话1-3-8-1-2-3-4-5-6-7-8", "电话1-3-8-*-*-*-*-5-6-7-8"),
    ("电话１ ３ ８ １ ２ ３ ４ ５ ６ ７ ８", "电话１ ３ ８ * * * * ５ ６ ７ ８"),
    (
        "电话1\u30003\u30008\u30001\u30002\u30003\u30004\u30005\u30006\u30007\u30008",
        "电话1\u30003\u30008\u3000*\u3000*\u3000*\u3000*\u30005\u30006\u30007\u30008",
    ),
    ("号码138.1234.5678", "号码138.****.5678"),
    ("号码138/1234/5678", "号码138/****/5678"),
    ("号码138．1234．5678", "号码138．****．5678"),
    ("号码138／1234／5678", "号码138／****／5678"),
    ("号码13 81 23 45 67 8", "号码13 8* ** *5 67 8"),
    ("号码138-1234.5678", "号码138-****.5678"),
    ("号码138 1234/5678", "号码138 ****/5678"),
    ("号码1381234 5678", "号码138**** 5678"),
    ("号码138.12345678", "号码138.****5678"),
    ("一三八一二三四五六七八", "一三八****五六七八"),
    ("打幺三八幺二三四五六七八", "打幺三八****五六七八"),
    ("一三九〇〇〇〇一二三四", "一三九****一二三四"),
    ("一三九零零零零一二三四", "一三九****一二三四"),
    ("壹叁捌壹贰叁肆伍陆柒捌", "壹叁捌****伍陆柒捌"),
    ("壹叁捌壹貳參肆伍陸柒捌", "壹叁捌****伍陸柒捌"),
    ("一八六 一二三四 五六七八", "一八六 **** 五六七八"),
    ("一八六-一二三四-五六七八", "一八六-****-五六七八"),
    ("一 三 八 一 二 三 四 五 六 七 八", "一 三 八 * * * * 五 六 七 八"),
    ("138一二三四5678", "138****5678"),
    ("一三八1234五六七八", "一三八****五六七八"),
    ("1三8一2三4五6七8", "1三8****五6七8"),
    ("一3八1二3四5六7八", "一3八****5六7八"),
    ("手机：幺五九二二两三三四四五", "手机：幺五九****三四四五"),
    ("+86 一三八一二三四五六七八", "+86 一三八****五六七八"),
    ("+86 1 3 8 1 2 3 4 5 6 7 8", "+86 1 3 8 * * * * 5 6 7 8"),
    ("（+86）138.1234.5678", "（+86）138.****.5678"),
    ("邮箱ａｂｃ＠ｑｑ．ｃｏｍ", "邮箱a***@qq.com"),
    ("邮箱ｚｈａｎｇｓａｎ＠１６３．ｃｏｍ", "邮箱z***@163.com"),
    ("邮箱zhang＠ｑｑ.com", "邮箱z***@qq.com"),
    ("邮箱ＺＨＡＮＧ@QQ.COM", "邮箱Z***@QQ.COM"),
    ("邮箱１２３４５６７８９＠ｑｑ．ｃｏｍ", "邮箱1***@qq.com"),
    ("加微信：wxid_abc123", "加微信：wx*********"),
    ("微信abc12345", "微信ab******"),
    ("微信号是 zhang_san88", "微信号是 zh*********"),
    ("威信 liu_laoshi", "威信 li********"),
    ("薇信：daikuan666", "薇信：da********"),
    ("V信 huanqian2024", "V信 hu**********"),
    ("v信:huanqian2024", "v信:hu**********"),
    ("加v aBc_9988x", "加v aB*******"),
    ("加V：xiedai_88", "加V：xi*******"),
    ("加微 liu_laoshi", "加微 li********"),
    ("VX abc12345", "VX ab******"),
    ("vx号 abcdef1", "vx号 ab*****"),
    ("wx: Lihua2024", "wx: Li*******"),
    ("WX：tingxi_gua", "WX：ti********"),
    ("WeChat:chen-mama01", "WeChat:ch*********"),
    ("weixin\u3000zhangsan_01", "weixin\u3000zh*********"),
    ("QQ：123456789", "QQ：12*******"),
    ("QQ 12345", "QQ 12***"),
    ("qq12345678", "qq12******"),
    ("Qq号 9876543210", "Qq号 98********"),
    ("扣扣 987654321 有问题找我", "扣扣 98******* 有问题找我"),
    ("企鹅号：10001234", "企鹅号：10******"),
    ("QQ号码是 5566778899", "QQ号码是 55********"),
    ("QQ：１２３４５６７８９", "QQ：１２*******"),
    ("扣扣:５５６６７７８８", "扣扣:５５******"),
    ("ＱＱ：１２３４５６７８９", "ＱＱ：１２*******"),
    ("ｑｑ 12345678", "ｑｑ 12******"),
    ("ＶＸ：abc12345", "ＶＸ：ab******"),
    ("电话138 1234.5678", "电话138 ****.5678"),
    ("电话1 3 8 1 2 3 4 5 6 7 8", "电话1 3 8 * * * * 5 6 7 8"),
    ("电话138 - 1234 - 5678", "电话138 - **** - 5678"),
    ("电话138  1234  5678", "电话138  ****  5678"),
    ("电话138—1234—5678", "电话138—****—5678"),
    ("Ｖ信 abcdef12", "Ｖ信 ab******"),
    ("加ｖ abc12345", "加ｖ ab******"),
    ("微信 ａｂｃｄｅｆ１２", "微信 ａｂ******"),
]

CONTACT_LOOKALIKES = [
    "微信转账5000元",  # an amount after the keyword, in words
    "微信 50000元",  # a WeChat ID starts with a letter
    "VX同号",  # "the same as my phone": no ID written
    "QQ群 12345678",  # a group, not a person
    "wxpython教程",  # a word, not a keyword followed by an ID
    "wxyz123456",
    "打12378投诉，QQ邮箱也可以",
    "微信：ab12",  # too short for a WeChat ID
    "QQ 0123456",  # no QQ number starts with 0
    "我用微信支付了300元",
]


@pytest.mark.parametrize(("text", "expected"), WRITTEN_FORMS)
def test_every_written_form_is_masked_once(text, expected):
    assert mask_personal_data(text) == MaskResult(text=expected, count=1)
    assert mask_personal_data(expected) == MaskResult(text=expected, count=0)


@pytest.mark.parametrize("text", CONTACT_LOOKALIKES)
def test_what_only_looks_like_a_contact_id_is_left_alone(text):
    assert mask_personal_data(text) == MaskResult(text=text, count=0)


def test_a_phone_number_after_a_wechat_keyword_is_masked_once_as_a_phone():
    assert mask_personal_data("微信 13812345678") == MaskResult("微信 138****5678", 1)

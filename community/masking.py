"""Mask personal data in user posts: mobile numbers, resident IDs, bank cards, e-mails,
and WeChat IDs and QQ numbers written after their keyword.

People write numbers in odd ways to get them past filters, so a mobile number counts in
every form a reader would still dial: grouped or with one separator between any digits,
in full-width digits, in Chinese numerals (一三八, 幺 for 1, 〇 or 零 for 0, capital 壹贰叁)
or a mix of them; e-mail addresses count in full-width letters too."""

import functools
import re
from dataclasses import dataclass

# Chinese input methods often produce full-width digits, so both widths count as digits.
_D = "[0-9０-９]"
# Separators people type between digit groups: ASCII and full-width dashes, spaces of
# every width (an IME gives U+3000, a copied web page U+00A0).
_SEPARATORS = " -－—–\u3000\u00a0./．／"
_SEP = r"[ \-－\u3000\u00a0]"
# A mobile number's digits may also be Chinese numerals, and dots or slashes may separate
# them; not commas or 、, which separate amounts and list items.
_PD = "[0-9０-９〇零一幺二两三四五六七八九壹贰貳叁參肆伍陆陸柒捌玖]"
_PSEP = r"[ \-－\u3000\u00a0./．／]"
# No digit of either width may touch a number, or we would cut a piece out of a longer run.
# Four stars in a row are an earlier mask, not Markdown emphasis (at most "***"): a number
# glued to them is the kept end of a masked one, and re-reading it would break idempotence.
_START = rf"(?<!{_D})(?<!\*{{4}})"
_END = rf"(?!{_D})"
# A grouped card does not continue a run of groups ("1234 5678 …"), also once that run has been
# masked ("**** 5678 …"); a list bullet ("* 6222 …") is still a start.
_GROUP_START = rf"(?<![0-9０-９]{_SEP})(?<!\*\*{_SEP})"
# Full-width ASCII (U+FF01-U+FF5E) to ASCII, one character for one.
_HALF_WIDTH = {0xFF01 + offset: 0x21 + offset for offset in range(94)}
_TO_ASCII = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")

# Characters that may not come right before a local part (see the look-behind below).
_EMAIL_LOCAL_BLOCKERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-@"
)
_EMAIL_RE = re.compile(
    # The look-behind makes the local part start at the beginning of a run, which keeps the
    # search linear on long runs of letters without an "@"; excluding "@" too stops the tail of
    # "a@b.cn@c.cn" from becoming a new address once the first one has been masked.
    r"(?<![A-Za-z0-9._%+\-@])(?P<local>[A-Za-z0-9._%+\-]+)"
    r"[@＠](?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})"
)

_ID_RE = re.compile(
    # 6-8-4 grouping uses the same separator twice (or none). An X check character ends the ID
    # by itself, so it needs no look-ahead; this also keeps masking idempotent when a bank card
    # follows it directly and loses its leading digits.
    rf"{_START}{_D}{{6}}(?P<sep>{_SEP}?){_D}{{8}}(?P=sep){_D}{{3}}(?:{_D}{_END}|[XxＸｘ])"
)

_CARD_RE = re.compile(
    rf"{_START}(?:"
    rf"{_D}{{16,19}}"
    # 17-19 digits in fours with a short last group. If another group follows, the short group
    # belongs to the next number, so fall back to 16 digits. A "*" counts as a following digit
    # because masking that next number turns its digits into "*"; "***" after the short group
    # is the masked middle of a phone or ID whose first 3 digits it would otherwise swallow.
    rf"|{_GROUP_START}{_D}{{4}}(?:{_SEP}{_D}{{4}}){{3}}{_SEP}{_D}{{1,3}}(?!{_SEP}[0-9０-９*]|\*{{3}})"
    rf"|{_GROUP_START}{_D}{{4}}(?:{_SEP}{_D}{{4}}){{3}}"
    rf"){_END}"
)

_COUNTRY_CODE = "(?:[(（][+＋]?[8８][6６][)）]|[+＋]?[8８][6６]|[0０]{2}[8８][6６])"
_PHONE_START = rf"(?<!{_PD})(?<!\*{{4}})"
_PHONE_END = rf"(?!{_PD})"
_FIRST_TWO = "[1１一壹幺][3-9３-９三四五六七八九叁參肆伍陆陸柒捌玖]"
# 11 digits as one run: other text may touch it ("欠款 3000 13812345678").
_PHONE_RE = re.compile(
    rf"{_PHONE_START}(?P<prefix>{_COUNTRY_CODE}{_PSEP}?)?"
    rf"(?P<number>{_FIRST_TWO}{_PD}{{9}}){_PHONE_END}"
)
# Grouped 3-4-4 or 3-8, with up to three separators between the groups ("138 - 1234 -
# 5678", dashes of every length, dots, slashes), but no digit one separator away on either
# side: "订单号 138-1234-5678-90" and "2024.138.1234.5678" are longer numbers.
# Em and en dashes count between the groups only: elsewhere they join words (——).
_GROUPS = r"[ \-－—–\u3000\u00a0./．／]{1,3}"
_GROUPED_PHONE_RE = re.compile(
    rf"{_PHONE_START}(?<!{_PD}{_PSEP})(?P<prefix>{_COUNTRY_CODE}{_PSEP}?)?"
    rf"(?P<number>{_FIRST_TWO}(?:{_PD}{_GROUPS}{_PD}{{4}}{_GROUPS}{_PD}{{4}}"
    rf"|{_PD}{_GROUPS}{_PD}{{8}}))(?!{_PSEP}{{0,3}}{_PD})"
)
# A space or a dash between any two digits ("1 3 8 1 2 3 4 5 6 7 8", "13 81 23 45 67 8"), but
# only as a run of exactly 11 digits: a digit one separator away on either side means a
# longer list of numbers, which is left alone. Dots and slashes count between the groups of
# a phone number only (above), or 192.168.10.200 and version numbers would be masked.
_SPACED_PHONE_RE = re.compile(
    rf"{_PHONE_START}(?<!{_PD}{_PSEP})(?P<prefix>{_COUNTRY_CODE}{_PSEP}?)?"
    rf"(?P<number>[1１一壹幺]{_SEP}?[3-9３-９三四五六七八九叁參肆伍陆陸柒捌玖]"
    rf"(?:{_SEP}?{_PD}){{9}})(?!{_PSEP}?{_PD})"
)

# Contact IDs count only after a keyword that says what they are ("微信：abc_123",
# "加v abc123", "QQ 12345678"), or every word and number would look like one. Latin
# keywords may not continue a longer word ("xvx"), may be any case ("VX", "Qq"), and
# need a space, a colon or 号 before a WeChat ID ("wxpython" is a word, not an ID).
# Each run of spaces is read by one quantifier only, so a long run cannot make the
# search backtrack through every way of splitting it.
_GAP = r"(?:号码|账号|号)?[ \u3000]*(?:是[ \u3000]*)?(?:[:：][ \u3000]*)?"
_LATIN_GAP = rf"(?=[号账 \u3000:：]){_GAP}"
_WECHAT_KEYWORD = (
    rf"(?:(?:微信|威信|薇信|徽信|维信|[VvＶｖ]信|加[VvＶｖ微]){_GAP}"
    rf"|(?<![A-Za-zＡ-Ｚａ-ｚ])(?:(?i:vx|wx|weixin|wechat)|[VvＶｖ][XxＸｘ]|[WwＷｗ][XxＸｘ])"
    rf"{_LATIN_GAP})"
)
_QQ_KEYWORD = rf"(?:扣扣|企鹅|(?<![A-Za-zＡ-Ｚａ-ｚ])[QqＱｑ]{{2}}){_GAP}"
# A WeChat ID: 6-20 letters, digits, "_" or "-", starting with a letter (a number
# there is a phone number, masked as one). A QQ number: 5-12 digits, no leading 0.
_ID_LETTER = "A-Za-zＡ-Ｚａ-ｚ"
_ID_CHARACTER = rf"[{_ID_LETTER}0-9０-９_＿\-－]"
_WECHAT_RE = re.compile(
    rf"(?P<keyword>{_WECHAT_KEYWORD})(?P<id>[{_ID_LETTER}]{_ID_CHARACTER}{{5,19}})"
    rf"(?!{_ID_CHARACTER})"
)
_QQ_RE = re.compile(rf"(?P<keyword>{_QQ_KEYWORD})(?P<id>[1-9１-９]{_D}{{4,11}})(?!{_D})")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARACTERS = "10X98765432"


@dataclass(frozen=True)
class MaskResult:
    text: str
    count: int  # how many personal items were masked


def _mask_characters(value: str, keep_start: int, keep_end: int) -> str:
    """Replace all but the first and last few non-separator characters with '*'."""
    positions = [i for i, char in enumerate(value) if char not in _SEPARATORS]
    hidden = set(positions[keep_start : len(positions) - keep_end])
    return "".join("*" if i in hidden else char for i, char in enumerate(value))


def _luhn_valid(digits: str) -> bool:
    """Return whether an ASCII digit string passes the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _id_check_character(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character for the first 17 ID digits."""
    total = sum(int(char) * weight for char, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARACTERS[total % 11]


def _mask_email(match: re.Match[str]) -> str | None:
    """Keep the first character of the local part and the whole domain."""
    # A local part right after "*" is an address ("**a@x.cn**" in bold) unless the stars follow
    # a character that blocks a local part: then they are the masked middle of a number, as in
    # "138****5678a@x.cn", which was not an address before that number was masked.
    text, start = match.string, match.start()
    stars_start = start
    while stars_start > 0 and text[stars_start - 1] == "*":
        stars_start -= 1
    if 0 < stars_start < start and text[stars_start - 1] in _EMAIL_LOCAL_BLOCKERS:
        return None
    return f"{match['local'][0]}***@{match['domain']}"


def _mask_id(match: re.Match[str]) -> str | None:
    """Mask a resident ID with a plausible region and birth date, keeping 3 + 2 characters."""
    value = match[0]
    core = "".join(char for char in value if char not in _SEPARATORS).translate(_TO_ASCII)
    year, month, day = int(core[6:10]), int(core[10:12]), int(core[12:14])
    if core[0] == "0" or not 1900 <= year <= 2099 or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    checksum_ok = _id_check_character(core[:17]) == core[17].upper()
    # Privacy first: a mistyped ID still identifies a person, so a structurally valid ID is
    # masked even with a wrong check character. The one exception is a plain run of 18 digits
    # that passes Luhn: that is likelier a bank card, so the card pass masks it instead.
    if not checksum_ok and not match["sep"] and core.isdigit() and _luhn_valid(core):
        return None
    return _mask_characters(value, 3, 2)


def _mask_card(match: re.Match[str]) -> str | None:
    """Mask a Luhn-valid card number except its last 4 digits, keeping separators."""
    value = match[0]
    digits = "".join(char for char in value if char not in _SEPARATORS).translate(_TO_ASCII)
    return _mask_characters(value, 0, 4) if _luhn_valid(digits) else None


def _mask_phone(match: re.Match[str]) -> str | None:
    """Keep the country prefix and the first 3 and last 4 digits of a mobile number."""
    return (match["prefix"] or "") + _mask_characters(match["number"], 3, 4)


def _mask_contact(match: re.Match[str]) -> str:
    """Keep the keyword and the first two characters of a WeChat ID or QQ number."""
    contact = match["id"]
    return match["keyword"] + contact[:2] + "*" * (len(contact) - 2)


def _substitute(pattern: re.Pattern[str], mask, text: str) -> tuple[str, int]:
    """Apply one pass; `mask` returns None for a match that is not personal data."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        masked = mask(match)
        if masked is None:
            return match[0]
        count += 1
        return masked

    return pattern.sub(replace, text), count


def _mask_emails(text: str) -> tuple[str, int]:
    """Mask e-mail addresses, also those typed in full-width letters (ａｂｃ＠ｑｑ．ｃｏｍ).

    Full-width forms and ASCII have one character each, so addresses are found in a
    half-width copy and cut out of the text at the same places; the masked address is
    written in ASCII.
    """
    pieces, last, count = [], 0, 0
    for match in _EMAIL_RE.finditer(text.translate(_HALF_WIDTH)):
        masked = _mask_email(match)
        if masked is not None:
            pieces += [text[last : match.start()], masked]
            last = match.end()
            count += 1
    pieces.append(text[last:])
    return "".join(pieces), count


# Order matters. E-mails go first because their local parts often are phone or QQ numbers,
# which should count as one e-mail rather than a phone plus a stray e-mail. IDs and bank cards
# go before phones because their digit runs are longer; IDs go before cards because an
# 18-digit ID may also pass Luhn, and the ID check is the stricter one. Grouped phone numbers
# go before the spaced-out form, whose stricter edges would miss one beside other numbers.
_PASSES = (
    _mask_emails,
    functools.partial(_substitute, _ID_RE, _mask_id),
    functools.partial(_substitute, _CARD_RE, _mask_card),
    functools.partial(_substitute, _PHONE_RE, _mask_phone),
    functools.partial(_substitute, _GROUPED_PHONE_RE, _mask_phone),
    functools.partial(_substitute, _SPACED_PHONE_RE, _mask_phone),
    # Last: a phone number written after 微信 is masked as a phone number.
    functools.partial(_substitute, _WECHAT_RE, _mask_contact),
    functools.partial(_substitute, _QQ_RE, _mask_contact),
)


def mask_personal_data(text: str) -> MaskResult:
    """Return the text with personal data masked by '*' and how many items were masked."""
    total = 0
    for mask_pass in _PASSES:
        text, count = mask_pass(text)
        total += count
    return MaskResult(text=text, count=total)

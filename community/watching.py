"""Watched words: rules that block, flag or blank out wording in new posts.

Rules see a post the way a reader does, not the way it was typed. Before matching, the
text is normalised: NFKC (full-width letters and digits become half-width), case-folded,
traditional characters made simplified (徵信修復 reads 征信修复), and every space,
punctuation mark and symbol dropped, so 征 信 修 复, 征.信.修.复 and 征★信修复 all read
征信修复. A word or phrase rule is normalised the same way; a regular expression is
written for the normalised text.

Checking a post is on the path of every submission, so the usual case (nothing matches)
uses whole-string operations only; where each match sits in the original text is worked
out character by character only when a rule matched and its place is needed.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

# Everything but letters, digits and marks: spaces, punctuation, symbols, "_".
_SEPARATORS = re.compile(r"[\W_]+")
_TABLE = Path(__file__).with_name("data") / "traditional_to_simplified.txt"
REPLACEMENT = "■"

# Regular expressions are kept small enough that no post can make one run away: no
# unbounded repetition, no repetition inside repetition, no alternatives under a
# repetition that could match the same text, no back-references, and at most this many
# ways of trying the repetitions at one place.
MAX_REPETITION_PRODUCT = 1000
MAX_REPETITION = 50


@cache
def _simplified():
    """The traditional-to-simplified character table (OpenCC's, kept in data/)."""
    pairs = (line.split("\t") for line in _TABLE.read_text(encoding="utf-8").splitlines())
    return str.maketrans(dict(pairs))


def normalise(text):
    """Return `text` as rules read it (see the module's docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_simplified())
    return _SEPARATORS.sub("", folded)


def _normalise_with_origins(text):
    """Return the normalised text and, for each of its characters, its index in `text`."""
    chars, origins = [], []
    for index, char in enumerate(text):
        for folded in _normalise_char(char):
            chars.append(folded)
            origins.append(index)
    return "".join(chars), origins


@lru_cache(maxsize=20000)
def _normalise_char(char):
    """One character as rules read it: usually one character, none for a separator."""
    return normalise(char)


class UnsafeRule(ValueError):
    """A rule that cannot be saved; the message says why, for the moderator."""


def _check_pattern(items, inside_repeat=False):
    """Walk a parsed regular expression; raise UnsafeRule or return its repetition product."""
    product = 1
    for op, value in items:
        name = str(op)
        if name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
            low, high, body = value
            if high == re._constants.MAXREPEAT or high > MAX_REPETITION:
                raise UnsafeRule(
                    _(
                        "Use a bounded repetition such as .{0,20} or \\d{5,12} (at most "
                        "%(max)d) instead of *, + or {n,}: on a long post those can run away."
                    )
                    % {"max": MAX_REPETITION}
                )
            if high > 1 and inside_repeat:
                raise UnsafeRule(_("A repetition inside a repetition can run away on a long post."))
            inner = _check_pattern(body, inside_repeat or high > 1)
            width = body.getwidth()
            if width[1] == 0:
                # (?=a)? or (?:\b){0,5}: nothing to repeat, but ways to try it.
                raise UnsafeRule(_("A repeated part must match at least one character."))
            if high > 1 and width[0] != width[1]:
                # (a?a?){0,30} or (aa?){0,50}: one text splits into the repeats in
                # more ways than there are atoms in the universe.
                raise UnsafeRule(
                    _(
                        "A repeated part must always match the same number of characters "
                        "(.{0,20} is fine, (ab?){0,20} is not): otherwise it can run away."
                    )
                )
            product *= (high + 1) * inner
        elif name == "SUBPATTERN":
            product *= _check_pattern(value[-1], inside_repeat)
        elif name in {"ATOMIC_GROUP"}:
            product *= _check_pattern(value, inside_repeat)
        elif name in {"ASSERT", "ASSERT_NOT"}:
            product *= _check_pattern(value[1], inside_repeat)
        elif name == "BRANCH":
            branches = value[1]
            if inside_repeat and _branches_overlap(branches):
                raise UnsafeRule(
                    _(
                        "Alternatives under a repetition that can start with the same "
                        "character can run away on a long post."
                    )
                )
            product *= sum(_check_pattern(branch, inside_repeat) for branch in branches)
        elif name in {"GROUPREF", "GROUPREF_EXISTS"}:
            raise UnsafeRule(_("Back-references are not allowed in rules."))
        if product > MAX_REPETITION_PRODUCT:
            raise UnsafeRule(
                _("This expression tries too many combinations; use fewer or smaller repetitions.")
            )
    return product


def _first_characters(branch):
    """The characters a branch may start with, case-folded (rules ignore case), or None
    for "almost any"."""
    if not branch:
        return None
    op, value = branch[0]
    if str(op) == "LITERAL":
        return {chr(value).casefold()}
    if str(op) == "SUBPATTERN":
        return _first_characters(value[-1])
    if str(op) == "IN" and all(str(kind) == "LITERAL" for kind, _value in value):
        return {chr(code).casefold() for _kind, code in value}
    return None


def _branches_overlap(branches):
    seen = set()
    for branch in branches:
        first = _first_characters(branch)
        if first is None or first & seen:
            return True
        seen |= first
    return False


def compile_rule(pattern, is_regex):
    """Return what a rule matches against normalised text, or raise UnsafeRule.

    A word or phrase becomes its normalised form (a str); a regular expression is
    compiled after the checks that keep it from running away on a long post.
    """
    if not is_regex:
        needle = normalise(pattern)
        if not needle:
            raise UnsafeRule(
                _("A rule needs at least one letter or digit: spaces and punctuation are ignored.")
            )
        return needle
    try:
        # The re module's own parser (sre_parse until Python 3.11): the checks read the
        # tree `re` itself would compile, not a guess at the pattern's text.
        parsed = re._parser.parse(pattern, re.IGNORECASE)
        compiled = re.compile(pattern, re.IGNORECASE)
    except (re.error, RecursionError, OverflowError) as error:
        raise UnsafeRule(
            _("This is not a valid regular expression: %(error)s") % {"error": error}
        ) from None
    _check_pattern(list(parsed))
    if parsed.getwidth()[0] == 0:
        # x?, (?=.) or \b: a match of no characters happens in almost every post.
        raise UnsafeRule(_("This expression can match empty text, so it would match every post."))
    return compiled


@dataclass(frozen=True)
class Rule:
    category: str
    action: str
    matcher: object  # a normalised str or a compiled pattern (compile_rule)

    def found_in(self, normalised):
        if isinstance(self.matcher, str):
            return self.matcher in normalised
        return self.matcher.search(normalised) is not None

    def spans(self, normalised):
        """The (start, end) places of every match in the normalised text."""
        if isinstance(self.matcher, str):
            start = normalised.find(self.matcher)
            while start >= 0:
                yield start, start + len(self.matcher)
                start = normalised.find(self.matcher, start + len(self.matcher))
        else:
            for match in self.matcher.finditer(normalised):
                if match.end() > match.start():
                    yield match.span()


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    category: str


@dataclass
class Screening:
    """What the rules made of one post (ruleset.screen)."""

    texts: list  # the texts, with replace rules applied
    blocked: list  # categories of the block rules that matched, in rule order
    flagged: list  # categories of the flag rules that matched
    flag_spans: list  # for each text, the Spans flag rules matched in it


class Ruleset:
    """Compiled rules, checked in order: block, then replace, then flag."""

    def __init__(self, rules):
        self.rules = list(rules)

    @classmethod
    def from_words(cls, words):
        """Compile WatchedWord rows, skipping any that no longer compile."""
        rules = []
        for word in words:
            try:
                matcher = compile_rule(word.pattern, word.is_regex)
            except UnsafeRule:
                continue  # saved before a check was added; the admin shows it as invalid
            rules.append(Rule(word.category, word.action, matcher))
        return cls(rules)

    def _by_action(self, action):
        return [rule for rule in self.rules if rule.action == action]

    def screen(self, texts):
        """Check `texts` (a post's title and body, already masked) against every rule."""
        normalised = [normalise(text) for text in texts]
        blocked = _categories(self._by_action("block"), normalised)
        if blocked:
            return Screening(list(texts), blocked, [], [[] for _text in texts])
        replace = [
            rule for rule in self._by_action("replace") if any(map(rule.found_in, normalised))
        ]
        if replace:
            texts = [replace_matches(text, replace) for text in texts]
            normalised = [normalise(text) for text in texts]
        flag = [rule for rule in self._by_action("flag") if any(map(rule.found_in, normalised))]
        flagged = list(dict.fromkeys(rule.category for rule in flag))
        spans = [find_spans(text, flag) if flag else [] for text in texts]
        return Screening(list(texts), [], flagged, spans)


def _categories(rules, normalised_texts):
    found = []
    for rule in rules:
        if rule.category not in found and any(map(rule.found_in, normalised_texts)):
            found.append(rule.category)
    return found


def find_spans(text, rules):
    """The places in `text` (not its normalised form) that `rules` match, merged."""
    normalised, origins = _normalise_with_origins(text)
    found = []
    for rule in rules:
        for start, end in rule.spans(normalised):
            found.append(Span(origins[start], origins[end - 1] + 1, rule.category))
    found.sort(key=lambda span: (span.start, span.end))
    merged = []
    for span in found:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end), last.category)
        else:
            merged.append(span)
    return merged


def replace_matches(text, rules):
    """Blank out what `rules` match in `text`: one ■ for each letter or digit of it."""
    pieces, last = [], 0
    for span in find_spans(text, rules):
        hidden = sum(len(_normalise_char(char)) for char in text[span.start : span.end])
        pieces += [text[last : span.start], REPLACEMENT * hidden]
        last = span.end
    pieces.append(text[last:])
    return "".join(pieces)


def matching_count(rule, texts):
    """How many of `texts` (stored, so already masked) a compiled `rule` matches."""
    return sum(1 for text in texts if rule.found_in(normalise(text)))

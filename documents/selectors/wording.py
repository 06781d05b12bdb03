"""The Decree 30/2020 wording pieces every document shares: number and date lines, letterheads, signature
blocks, designations, numbers in the Vietnamese way; and the checksum that makes the same data the same document.
"""

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _

from cycles.rulebooks import Level
from officials.models import Organisation

from ..models import Letterhead

# How bodies are written out in a header: Decree 30/2020 Phụ lục I wants the issuing body's name in full;
# the parent body line may keep the common abbreviation ("UBND TỈNH HÒA LÂM").
_ABBREVIATIONS = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân"}


_PLACE_PREFIX = re.compile(r"^(UBND|Ủy ban nhân dân)\s+(tỉnh|thành phố|huyện|quận|thị xã|xã|phường)\s+", re.I)


def checksum_of(data: dict) -> str:
    """SHA-256 of the canonical JSON of a document's data: the same data is the same document."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def date_line(place: str, day: date) -> str:
    """ "Hòa Lâm, ngày 05 tháng 01 năm 2027": days and months below 10 take a leading zero
    (Decree 30/2020 Phụ lục I, part II, item 4)."""
    return _("%(place)s, ngày %(day)02d tháng %(month)02d năm %(year)d") % {
        "place": place,
        "day": day.day,
        "month": day.month,
        "year": day.year,
    }


def blank_date_line() -> str:
    """The date line of a signature that has not been given yet, left for the pen."""
    return _("……, ngày …… tháng …… năm ……")


def number_line(number: int | None, symbol: str) -> str:
    """ "Số: 05/BB-UBND". Before issue the number is left blank ("Số:      /BB-UBND")."""
    if number is None:
        # No-break spaces: HTML would collapse ordinary ones and leave no room for the number by hand.
        return _("Số:%(blank)s/%(symbol)s") % {"blank": "\u00a0" * 8, "symbol": symbol}
    return _("Số: %(number)02d/%(symbol)s") % {"number": number, "symbol": symbol}


@dataclass(frozen=True)
class LetterheadData:
    parent_body: str
    body_name: str
    place_name: str


def expand_abbreviations(name: str) -> str:
    for short, full in _ABBREVIATIONS.items():
        name = re.sub(rf"\b{short}\b", full, name)
    return name


def _split_collective(name: str) -> str:
    """ "ỦY BAN NHÂN DÂN / TỈNH HÒA LÂM" on two lines, as every People's Committee prints it; the first line
    is also the collective a chair signs for ("TM. ỦY BAN NHÂN DÂN")."""
    for collective in _ABBREVIATIONS.values():
        prefix = collective.upper() + " "
        if name.startswith(prefix):
            return prefix.strip() + "\n" + name[len(prefix) :]
    return name


def _root(organisation: Organisation) -> Organisation:
    seen = set()
    while organisation.parent_id and organisation.pk not in seen:
        seen.add(organisation.pk)
        organisation = organisation.parent
    return organisation


def letterhead_for(organisation: Organisation, rows: dict | None = None) -> LetterheadData:
    """The header lines and place name of an organisation: its Letterhead row, else derived from its names.
    `rows` ({organisation_id: Letterhead}) saves the query when many documents are prepared at once."""
    if rows is None:
        row = Letterhead.objects.filter(organisation=organisation).first()
    else:
        row = rows.get(organisation.pk)
    parent = organisation.parent
    derived = LetterheadData(
        parent_body=parent.name.upper() if parent else "",
        body_name=_split_collective(expand_abbreviations(organisation.name).upper()),
        place_name=_PLACE_PREFIX.sub("", _root(organisation).name),
    )
    if row is None:
        return derived
    return LetterheadData(
        parent_body=row.parent_body or derived.parent_body,
        body_name=row.body_name or derived.body_name,
        place_name=row.place_name or derived.place_name,
    )


def signature_block(*, collective: str = "", head_title: str, signer_title: str = "", name: str = "") -> dict:
    """The signature of an administrative document (Decree 30/2020 Phụ lục I, part II, item 7).

    The head signs for the collective: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH". A deputy signs for the head:
    "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" (signer_title set). The name goes under the space left for the signature.
    """
    if signer_title:
        lines = [f"KT. {head_title.upper()}", signer_title.upper()]
    elif collective:
        lines = [f"TM. {collective.upper()}", head_title.upper()]
    else:
        lines = [head_title.upper()]
    return {"lines": lines, "name": name}


def decimal_text(value) -> str:
    """ "85,5": Vietnamese decimal comma, no trailing zeros."""
    if value in (None, ""):
        return ""
    text = f"{Decimal(str(value)).normalize():f}"
    return text.replace(".", ",")


def ascii_text(text: str) -> str:
    """slugify keeps only ASCII: spell Vietnamese letters without their marks first ("Đ" is not a mark)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def slug(text: str) -> str:
    return slugify(ascii_text(text))


def designation(enrolment) -> str:
    """Title and agency as one phrase: "Giám đốc Sở Tư pháp", not "Giám đốc Sở Tư pháp, Sở Tư pháp"; and
    "Phó Chủ tịch UBND tỉnh Hòa Lâm", not "Phó Chủ tịch UBND tỉnh, UBND tỉnh Hòa Lâm"."""
    title, organisation = enrolment.title.strip(), enrolment.organisation_name.strip()
    if organisation.lower() in title.lower():
        return title
    title_words, organisation_words = title.split(), organisation.split()
    for size in range(min(len(title_words), len(organisation_words)), 1, -1):
        if [w.lower() for w in title_words[-size:]] == [w.lower() for w in organisation_words[:size]]:
            return " ".join(title_words + organisation_words[size:])
    return f"{title}, {organisation}"


def address_of(enrolment) -> str:
    """ "Ông" or "Bà" by the person's recorded gender (issue #14): a known person is never "ông/bà"."""
    from officials.models import Gender

    return _("Bà") if enrolment.official.gender == Gender.FEMALE else _("Ông")


def split_name_and_title(text: str) -> tuple[str, str]:
    """ "Đặng Văn Chủ – Giám đốc Sở" → ("Đặng Văn Chủ", "Giám đốc Sở"): a signature prints the name in bold and the
    job title apart from it (typed into one field on the meeting form)."""
    for separator in (" – ", " - ", ", ", " (", "("):
        name, found, title = text.partition(separator)
        if found and name.strip():
            return name.strip(), title.strip().rstrip(")").strip()
    return text.strip(), ""


def person_data(enrolment) -> dict:
    return {
        "address": address_of(enrolment),
        "full_name": enrolment.full_name,
        "title": enrolment.title,
        "organisation": enrolment.organisation_name,
        "designation": designation(enrolment),
    }


def day_text(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


_TYPED_NUMBER = re.compile(r"^\s*(?:\d+|[a-zđ])\s*[.)/-]\s+", re.I)


def agenda_lines(text: str) -> list[str]:
    """The agenda typed one item a line, without the numbers people type ("1. Khai mạc" → "Khai mạc"): the paper
    prints the items under its own numbering, so "3." is never followed by a typed "1." (issue #14 item 5)."""
    return [_TYPED_NUMBER.sub("", line).strip() for line in text.splitlines() if line.strip()]


def clock_text(value: time | None) -> str:
    """ "14 giờ 05 phút", as minutes and invitations write a time; "" when there is none."""
    if value is None:
        return ""
    return _("%(hour)d giờ %(minute)02d phút") % {"hour": value.hour, "minute": value.minute}


def long_date(day: date) -> str:
    return _("ngày %(day)02d tháng %(month)02d năm %(year)d") % {
        "day": day.day,
        "month": day.month,
        "year": day.year,
    }


def percent_text(part: int, whole: int) -> str:
    """ "33,3%": one decimal, Vietnamese decimal comma; empty when there is nothing to divide by."""
    if not whole:
        return ""
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
    return f"{decimal_text(value)}%"


def level_abbreviation(value: str, not_rated: bool = False) -> str:
    if not_rated:
        return _("KXL")
    return Level(value).abbreviation if value else ""

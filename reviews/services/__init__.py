"""Every write to evaluations, one module per stage: the self-assessment (`self_assessment.py`) and what
Home Affairs and unit secretaries record before the conference (`compilation.py`), the chair's decisions and the
sign-off (`decisions.py`), notices of results (`notices.py`)."""

from .compilation import *  # noqa: F403
from .compilation import CAP_FACT_FIELDS, MAX_NOTE_LENGTH, MeetingMinutes, Opinion  # noqa: F401
from .decisions import *  # noqa: F403
from .notices import *  # noqa: F403
from .objections import *  # noqa: F403
from .self_assessment import *  # noqa: F403
from .self_assessment import (  # noqa: F401
    MAX_REASON_LENGTH,
    MAX_TEXT_LENGTH,
    Answer,
    editing_refusal,
    missing_items,
    sniff_content_type,
)

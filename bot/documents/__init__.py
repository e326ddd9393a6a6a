"""The Word documents of the meeting papers, the Panel submission and the reply template.

Pure: views in, .docx bytes out (no I/O, no clock, no database); the same views give the
same bytes. The child's details appear inside the documents' bodies and nowhere else.
"""

from bot.documents.combined_summary import combined_summary
from bot.documents.covering_letter import covering_letter
from bot.documents.panel_submission import panel_submission
from bot.documents.reply_reading import read_reply_template
from bot.documents.reply_template import NotATemplate, TemplateUnreadable, reply_template
from bot.documents.views import (
    AgencyName,
    AgencyReturn,
    CaseFacts,
    DecisionView,
    Person,
    ReturnStatus,
)
from bot.documents.word import file_name, sha256_hex

__all__ = [
    "AgencyName",
    "AgencyReturn",
    "CaseFacts",
    "DecisionView",
    "NotATemplate",
    "Person",
    "ReturnStatus",
    "TemplateUnreadable",
    "combined_summary",
    "covering_letter",
    "file_name",
    "panel_submission",
    "read_reply_template",
    "reply_template",
    "sha256_hex",
]

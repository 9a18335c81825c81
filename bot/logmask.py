"""Keep personal data out of every log record, whoever logs it.

Installed as the log-record factory, so it covers Rasa's and rasa-sdk's own loggers too,
whatever handlers they configure later. Each record's message, traceback and stack get:
- phone numbers masked;
- SQLAlchemy's "[parameters: …]" line hidden (the values of a failing statement: numbers,
  names, messages). Our engines never write it (`hide_parameters`), Rasa's tracker store does;
- a cap on their length, so a 10 MB message never makes a 10 MB log line.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.phone import mask_phones

MAX_MESSAGE = 2_000
# Tracebacks: the end matters most (the innermost frames and the error), and one line (an
# error quoting a whole message) must not crowd out the frames.
MAX_TRACEBACK = 6_000
MAX_TRACEBACK_LINE = 500
_SQL_PARAMETERS = re.compile(r"^\[parameters: .*$", re.MULTILINE)
HIDDEN_PARAMETERS = "[parameters hidden]"
# A number cut in half at the edge of what is kept is dropped whole: half a number is still
# personal data, and too short for the masking to recognise.
_NUMBER_AT_END = re.compile(r"[+\d][\d\s()./-]*$")
_NUMBER_AT_START = re.compile(r"^[\d\s()./-]*\d")
_FORMATTER = logging.Formatter()
_installed = False


def _shorten(text: str, limit: int, *, keep_end: bool = False) -> str:
    """At most `limit` characters of `text`, and a note of how many were cut."""
    if len(text) <= limit:
        return text
    if keep_end:
        kept = _NUMBER_AT_START.sub("", text[-limit:])
        return f"[{len(text) - len(kept)} characters cut] … {kept}"
    kept = _NUMBER_AT_END.sub("", text[:limit])
    return f"{kept} … [{len(text) - len(kept)} characters cut]"


def clean_message(text: str) -> str:
    """Cut first, then mask: masking reads every character, and 10 MB takes long."""
    return mask_phones(_shorten(_SQL_PARAMETERS.sub(HIDDEN_PARAMETERS, text), MAX_MESSAGE))


def clean_traceback(text: str) -> str:
    lines = _SQL_PARAMETERS.sub(HIDDEN_PARAMETERS, text).splitlines()
    capped = "\n".join(_shorten(line, MAX_TRACEBACK_LINE) for line in lines)
    return mask_phones(_shorten(capped, MAX_TRACEBACK, keep_end=True))


def install_log_masking() -> None:
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = clean_message(message), None
        if record.exc_info:
            # Formatters print `exc_text` when it is set; handlers that would format the
            # exception themselves get none to format.
            record.exc_text = _FORMATTER.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = clean_traceback(record.exc_text)
        if record.stack_info:
            record.stack_info = clean_traceback(record.stack_info)
        return record

    logging.setLogRecordFactory(masked_record)
    _installed = True

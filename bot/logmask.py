"""Mask phone numbers in every log record, whoever logs it.

Installed as the log-record factory, so it covers Rasa's and rasa-sdk's own
loggers too, whatever handlers they configure later.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.phone import mask_phones

_installed = False


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
        record.msg, record.args = mask_phones(message), None
        return record

    logging.setLogRecordFactory(masked_record)
    _installed = True

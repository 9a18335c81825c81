"""Start Rasa or the action server with phone numbers masked in their logs.

`python -m bot.launch run ...` is `rasa run ...` with the masking installed first.
"""

from __future__ import annotations

from bot.logmask import install_log_masking


def main() -> None:
    install_log_masking()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()

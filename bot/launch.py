"""Start Rasa with phone numbers masked in its logs and our patches installed.

`python -m bot.launch run ...` is `rasa run ...`, listening on this machine only unless
the settings name another address (`-i`/`--port` given on the command line win).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.logmask import install_log_masking
from bot.settings import Settings


def rasa_arguments(args: Sequence[str], settings: Settings) -> list[str]:
    """`rasa run` binds to 0.0.0.0 unless told otherwise: tell it where the settings say."""
    args = list(args)
    if args[:1] != ["run"]:
        return args
    if not {"-i", "--interface"} & set(args):
        args += ["--interface", settings.rasa_host]
    if not {"-p", "--port"} & set(args):
        args += ["--port", str(settings.rasa_port)]
    return args


def main() -> None:
    install_log_masking()
    settings = Settings.from_env()
    from bot.rasa_patches import install

    install(settings)
    from rasa.__main__ import main as rasa_main

    sys.argv = [sys.argv[0], *rasa_arguments(sys.argv[1:], settings)]
    rasa_main()


if __name__ == "__main__":
    main()

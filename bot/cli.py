"""The `bot` command: set-up steps and tools for developers and staff."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.logmask import install_log_masking
from bot.settings import Settings


def build_spacy(target: Path) -> None:
    """Save a blank Dutch spaCy pipeline with the lookup lemmatizer, so Rasa never downloads one."""
    import spacy

    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # reads the tables from the installed spacy-lookups-data package
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    print(f"spaCy pipeline saved in {target}")


def check_content(directory: Path) -> int:
    from bot.content.loader import ContentError, load_catalogue

    try:
        catalogue = load_catalogue(directory)
    except ContentError as exc:
        print(f"The catalogue in {directory} has problems:\n{exc}", file=sys.stderr)
        return 1
    print(f"Catalogue OK: {len(catalogue.services)} services in {directory}")
    return 0


def purge(settings: Settings) -> int:
    from bot.store.db import make_engine, migrate
    from bot.store.retention import purge_personal_data

    engine = make_engine(settings.database_url)
    migrate(engine)
    purged = purge_personal_data(engine, settings, settings.now())
    print(
        f"Removed phone numbers and names from {purged.requests} request(s) closed over "
        f"{settings.retention_days} days ago; deleted {purged.conversation_events} conversation "
        f"event(s) and {purged.sms_numbers} SMS number(s) unused for "
        f"{settings.conversation_retention_days} days."
    )
    return 0


def forget(settings: Settings, who: str) -> int:
    """`who`: a conversation id, or a phone number in any format."""
    from bot.store.db import make_engine, migrate
    from bot.store.retention import forget_resident

    engine = make_engine(settings.database_url)
    migrate(engine)
    gone = forget_resident(engine, settings, who)
    print(
        f"Deleted {gone.requests} request(s), {gone.conversation_events} conversation event(s) "
        f"and {gone.sms_numbers} SMS number(s) of {who}."
    )
    return 0


def content_command(settings: Settings, command: str, directory: Path | None) -> int:
    """`export`: the stored catalogue as YAML files, for review in git. `import`: the files as
    new versions of every document that differs (checked first; nothing stored on a mistake)."""
    from bot.content.live import IMPORT_AUTHOR
    from bot.content.loader import ContentError, read_documents, write_documents
    from bot.store.content import ContentRepository
    from bot.store.db import make_engine, migrate

    engine = make_engine(settings.database_url)
    migrate(engine)
    repository = ContentRepository(engine)
    directory = directory or settings.content_dir
    if command == "export":
        _version, documents = repository.documents()
        if not documents:
            print("Nothing stored yet: the assistant still starts from the files.", file=sys.stderr)
            return 1
        for path in write_documents(documents, directory):
            print(f"Written {path}")
        return 0
    try:
        documents = read_documents(directory)
    except ContentError as exc:
        print(f"Nothing imported; the files in {directory} have problems:\n{exc}", file=sys.stderr)
        return 1
    changed = repository.import_documents(documents, IMPORT_AUTHOR, settings.now())
    print(f"Imported from {directory}: {', '.join(changed) or 'nothing changed'}.")
    return 0


def export_reviewed(settings: Settings, output: Path | None) -> int:
    """The messages staff labelled in the dashboard as Rasa NLU YAML, for the next training."""
    from bot.store.db import make_engine, migrate
    from bot.store.insight import ReviewRepository, nlu_yaml

    engine = make_engine(settings.database_url)
    migrate(engine)
    text = nlu_yaml(ReviewRepository(engine).all())
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"Written {output}; add it to data/nlu/ after reading it, then retrain.")
    return 0


def add_staff(
    settings: Settings, name: str, role: str, password_stdin: bool, content: bool = False
) -> int:
    """Create a dashboard account; the password is typed twice, or read from standard input."""
    import getpass

    from bot.dashboard.auth import Passwords, WeakPassword
    from bot.store.db import make_engine, migrate
    from bot.store.staff import Role, StaffExists, StaffRepository

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {name}: ")
        if getpass.getpass("Again: ") != password:
            print("The two passwords differ; nothing was saved.", file=sys.stderr)
            return 1
    try:
        password_hash = Passwords().hash(password)
    except WeakPassword as exc:
        print(f"Not saved: {exc}.", file=sys.stderr)
        return 1
    engine = make_engine(settings.database_url)
    migrate(engine)
    try:
        StaffRepository(engine).add(
            name, Role(role), password_hash, settings.now(), can_edit_content=content
        )
    except StaffExists:
        print(f"An account named {name!r} exists already; nothing was saved.", file=sys.stderr)
        return 1
    allowed = " (may edit content)" if content and role != "admin" else ""
    print(f"Account {name!r} added with role {role}{allowed}.")
    return 0


def staff_token(settings: Settings, name: str) -> int:
    """A token for the JSON API that acts as `name`; shown once, only its hash is kept."""
    from bot.store.db import make_engine, migrate
    from bot.store.sessions import ApiTokenRepository
    from bot.store.staff import StaffRepository

    engine = make_engine(settings.database_url)
    migrate(engine)
    account = StaffRepository(engine).get(name)
    if account is None or account.disabled_at is not None:
        print(f"No enabled account named {name!r}.", file=sys.stderr)
        return 1
    token = ApiTokenRepository(engine).issue(name, settings.now())
    print(f"API token for {name} (shown once; send it as 'Authorization: Bearer TOKEN'):")
    print(token)
    return 0


def telegram_set_webhook(settings: Settings, url: str) -> int:
    """Tell Telegram where to post updates, with the secret our webhook checks."""
    import asyncio

    from telegram import Bot, Update
    from telegram.error import InvalidToken, TelegramError

    from bot.channels.telegram import SECRET

    if not settings.telegram_token:
        print("Set HULPBOT_TELEGRAM_TOKEN first (from @BotFather).", file=sys.stderr)
        return 1
    if not settings.telegram_secret or not SECRET.match(settings.telegram_secret):
        print(
            "Set HULPBOT_TELEGRAM_SECRET first (1-256 letters, digits, _ or -): "
            "the webhook refuses updates without it.",
            file=sys.stderr,
        )
        return 1
    if not url.startswith("https://"):
        print("Telegram only posts to an https:// address.", file=sys.stderr)
        return 1

    async def set_webhook() -> None:
        assert settings.telegram_token is not None
        async with Bot(settings.telegram_token, base_url=settings.telegram_api_url) as bot:
            await bot.set_webhook(
                url,
                secret_token=settings.telegram_secret,
                allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY],
            )

    try:
        asyncio.run(set_webhook())
    except InvalidToken:
        print("Telegram refused the token in HULPBOT_TELEGRAM_TOKEN.", file=sys.stderr)
        return 1
    except TelegramError as exc:
        print(f"Telegram refused: {exc.message}", file=sys.stderr)
        return 1
    print(f"Telegram will post updates to {url}.")
    return 0


SECRETS = ("HULPBOT_INTERNAL_TOKEN", "HULPBOT_SENDER_KEY")


def ensure_secrets(env_file: Path) -> list[str]:
    """Add a random value to `.env` for each secret it lacks (never changing one it has), so
    `make run` works on a fresh machine without a token anyone else knows."""
    import os
    import secrets

    from bot.settings import read_dotenv

    present = read_dotenv(env_file)
    missing = [name for name in SECRETS if not present.get(name)]
    if missing:
        lines = "".join(f"{name}={secrets.token_urlsafe(32)}\n" for name in missing)
        existing = env_file.read_text(encoding="utf-8") if env_file.exists() else ""
        if existing and not existing.endswith("\n"):
            existing += "\n"
        env_file.write_text(existing + lines, encoding="utf-8")
    os.chmod(env_file, 0o600)
    return missing


def run_dashboard(settings: Settings) -> int:
    import logging

    from bot.dashboard.app import create_app

    # Sanic logs its own lines; ours (catalogue reloads, errors) get one handler of their own.
    ours = logging.getLogger("bot")
    ours.setLevel(logging.INFO)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    ours.addHandler(handler)
    app = create_app(settings)
    print(
        f"Dashboard for staff: http://{settings.dashboard_host}:{settings.dashboard_port}/ "
        "(add an account with: .venv/bin/bot staff add NAME --role admin)",
        flush=True,
    )
    app.run(
        host=settings.dashboard_host,
        port=settings.dashboard_port,
        access_log=False,
        motd=False,
    )
    return 0


def run_web(settings: Settings) -> int:
    from bot.channels.web.app import create_web_app

    print(
        f"Web chat for residents: http://{settings.web_host}:{settings.web_port}/chat "
        f"(share page: /delen)",
        flush=True,
    )
    create_web_app(settings).run(
        host=settings.web_host, port=settings.web_port, access_log=False, motd=False
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bot", description="Hulpbot Mechelen tools")
    commands = parser.add_subparsers(dest="command", required=True)
    spacy_cmd = commands.add_parser("build-spacy", help="save the offline Dutch spaCy pipeline")
    spacy_cmd.add_argument("target", type=Path)
    commands.add_parser("check-content", help="validate data/content")
    content = commands.add_parser(
        "content", help="the catalogue in the database: export to or import from YAML files"
    )
    content.add_argument("content_command", choices=["export", "import"])
    content.add_argument(
        "directory", type=Path, nargs="?", help="where the YAML files are (default: data/content)"
    )
    nlu = commands.add_parser("nlu", help="training data from the dashboard")
    nlu_commands = nlu.add_subparsers(dest="nlu_command", required=True)
    export_cmd = nlu_commands.add_parser(
        "export-reviewed", help="print the messages staff labelled as Rasa NLU YAML"
    )
    export_cmd.add_argument("--output", type=Path, help="write to this file instead")
    chat = commands.add_parser("chat", help="talk to the running assistant in the terminal")
    chat.add_argument("--sender", default="terminal-1")
    commands.add_parser("purge", help="remove personal data from requests closed long ago")
    commands.add_parser("migrate", help="create or update the database tables")
    commands.add_parser("secrets", help="add the internal token and sender key to .env if missing")
    commands.add_parser(
        "nginx-config", help="print the nginx site for the public addresses in the settings"
    )
    staff = commands.add_parser("staff", help="dashboard accounts")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    staff_add = staff_commands.add_parser("add", help="add an account")
    staff_add.add_argument("name")
    staff_add.add_argument("--role", choices=["staff", "admin"], default="staff")
    staff_add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    staff_add.add_argument(
        "--content", action="store_true", help="may edit the facts (admins always may)"
    )
    staff_token_cmd = staff_commands.add_parser("token", help="make a token for the JSON API")
    staff_token_cmd.add_argument("name")
    commands.add_parser("dashboard", help="run the staff dashboard")
    commands.add_parser("web", help="run the residents' web chat and share page")
    actions_cmd = commands.add_parser(
        "actions", help="run the action server (only Rasa may call it)"
    )
    actions_cmd.add_argument("--debug", action="store_true", help="log at debug level")
    telegram = commands.add_parser("telegram", help="Telegram channel tools")
    telegram_commands = telegram.add_subparsers(dest="telegram_command", required=True)
    webhook = telegram_commands.add_parser(
        "set-webhook", help="point Telegram at URL (…/webhooks/telegram/webhook)"
    )
    webhook.add_argument("url")
    worker = commands.add_parser("worker", help="announce new requests and purge daily")
    worker.add_argument("--once", action="store_true", help="one round, then stop")
    forget_cmd = commands.add_parser(
        "forget", help="delete every trace of a resident: their requests, conversations, number"
    )
    forget_cmd.add_argument("sender_id", help="a conversation id (web:…, tg:…, sms:…) or a number")
    bench = commands.add_parser("bench", help="measure training, start-up, latency and memory")
    bench.add_argument("--messages", type=int, default=500)
    bench.add_argument("--output", type=Path, help="default: docs/ (--quick: build/bench-quick/)")
    bench.add_argument(
        "--quick",
        action="store_true",
        help="measure models/hulpbot.tar.gz without training; reuse build/bench-reference/",
    )
    bench.add_argument("--levels", type=int, nargs="+", help="conversations at once (1 10 20 50)")
    args = parser.parse_args(argv)
    install_log_masking()

    settings = Settings.from_env()
    if args.command == "build-spacy":
        build_spacy(args.target)
        return 0
    if args.command == "secrets":
        from bot.settings import PROJECT_ROOT

        for name in ensure_secrets(PROJECT_ROOT / ".env"):
            print(f"{name} added to .env")
        return 0
    if args.command == "nginx-config":
        from bot.deploy import print_nginx_config

        return print_nginx_config(settings)
    if args.command == "check-content":
        return check_content(settings.content_dir)
    if args.command == "content":
        return content_command(settings, args.content_command, args.directory)
    if args.command == "nlu":
        return export_reviewed(settings, args.output)
    if args.command == "staff" and args.staff_command == "token":
        return staff_token(settings, args.name)
    if args.command == "staff":
        return add_staff(settings, args.name, args.role, args.password_stdin, args.content)
    if args.command == "dashboard":
        return run_dashboard(settings)
    if args.command == "web":
        return run_web(settings)
    if args.command == "actions":
        from bot.action_server import run_action_server

        run_action_server(settings, debug=args.debug)
        return 0
    if args.command == "telegram":
        return telegram_set_webhook(settings, args.url)
    if args.command == "migrate":
        from bot.store.db import make_engine, migrate
        from bot.store.namespacing import rename_conversations

        engine = make_engine(settings.database_url)
        migrate(engine)
        renamed = rename_conversations(
            engine, make_engine(settings.tracker_db_url), settings.sender_key
        )
        if renamed:
            print(f"{renamed} conversation(s) renamed to ids with their channel.")
        print("Database is up to date.")
        return 0
    if args.command == "worker":
        import asyncio
        import logging

        from bot.worker import run_worker

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        return 0 if asyncio.run(run_worker(settings, once=args.once)) else 1
    if args.command == "purge":
        return purge(settings)
    if args.command == "forget":
        return forget(settings, args.sender_id)
    if args.command == "chat":
        from bot.shell import chat as run_chat

        return run_chat(settings.rasa_url, settings.internal_token, args.sender)
    if args.command == "bench":
        from bot.bench import run as run_bench

        return run_bench(args.messages, args.output, quick=args.quick, levels=args.levels)
    return 2


if __name__ == "__main__":
    sys.exit(main())

"""Changes to how Rasa 3.6 runs, installed by `bot.launch` before Rasa starts.

Each patch is small, guarded by Rasa's version, and tested against the real server:

- The HTTP API (when a test or benchmark turns it on) answers only callers that show our
  internal token in an `Authorization: Bearer` header. Rasa's own `--auth-token` is read
  from a `?token=` query parameter, which ends up in access logs and proxy logs; a header
  does not. Loading, replacing, deleting or training a model over HTTP is never possible:
  `PUT /model` once let a caller write a file anywhere on disk. Channel webhooks under
  /webhooks/ check their own callers (Telegram's secret, the SMS signature, our token).
- A custom action that fails (action server down, a timeout, a database error there) gives
  the resident an apology with the city's number and, if one was saved, their call-back
  code, instead of silence. Built from the catalogue files: no database needed.
- The action server gets seconds, not Rasa's five minutes, before the resident is told.
- An event read back from the conversation store finds its class in a table, not by walking
  every subclass of Event (Rasa reads the whole conversation back for each message).
- Memory freed while the model loaded is handed back to the system once the server runs.
- Action server responses are checked against Rasa's schema with validators built at start,
  not with `jsonschema.validate`, which checks the schema itself and builds a new validator
  for every response (about 40 % of the server's CPU under load, docs/benchmarks.md); each
  event is checked against its own type's part of the schema only.
- The model's graph runs node after node, without dask's bookkeeping for every run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable
from typing import Any

import rasa
import rasa.core.actions.action as rasa_action
import rasa.core.processor
import rasa.core.run
import sqlalchemy
from jsonschema.validators import validator_for  # type: ignore[import-untyped]
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import BotUttered, Event, FollowupAction, UserUttered
from rasa.shared.utils.common import all_subclasses
from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from bot.apology import SORRY, apology
from bot.content.loader import CatalogueStore
from bot.internal import authorised
from bot.settings import Settings

log = logging.getLogger(__name__)

SUPPORTED_RASA = "3.6."
WEBHOOKS = "/webhooks/"
# The only model route our own tools use; the rest of /model changes what the server runs.
MODEL_PARSE = "/model/parse"
# Slots that hold a saved request's code (see domain.yml).
REFERENCE_SLOTS = ("callback_reference", "callback_existing")


class UnsupportedRasa(RuntimeError):
    pass


def refusal(method: str, path: str, authorization: str | None, token: str | None) -> int | None:
    """The status to refuse an HTTP call to Rasa with, or None to let it through."""
    if path.startswith("/model") and not (method == "POST" and path == MODEL_PARSE):
        return 404
    if path.startswith(WEBHOOKS):
        return None
    if token is None:
        return 403
    return None if authorised(authorization, token) else 401


# Far above any message a resident sends (channels trim to 1,000 characters), far below
# Sanic's 100 MB default.
MAX_BODY = 1024 * 1024


def guard(app: Sanic, token: str | None) -> None:
    app.config.REQUEST_MAX_SIZE = MAX_BODY

    async def check(request: Request) -> HTTPResponse | None:
        status = refusal(request.method, request.path, request.headers.get("authorization"), token)
        if status is None:
            return None
        return response.json({"error": "not available"}, status=status)

    app.register_middleware(check, "request")


def give_back_freed_memory(app: Sanic) -> None:
    """Loading the model (TensorFlow building DIET's graphs) leaves memory that is freed but
    kept by glibc's allocator (1,318 MB resident before, 1,255-1,275 MB after, measured). Rasa
    loads the model before the server starts; once it has started, that memory goes back."""

    async def trim(app: Sanic, _loop: object) -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        if hasattr(libc, "malloc_trim"):  # glibc only
            libc.malloc_trim(0)

    app.register_listener(trim, "after_server_start")


def _patch_every_app(token: str | None) -> None:
    original: Callable[..., Sanic] = rasa.core.run.configure_app

    def configure_app(*args: Any, **kwargs: Any) -> Sanic:
        app = original(*args, **kwargs)
        guard(app, token)
        give_back_freed_memory(app)
        return app

    rasa.core.run.configure_app = configure_app


def _apologised_this_turn(events: list[Event]) -> bool:
    for event in reversed(events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.text or "").startswith(SORRY):
            return True
    return False


def _apologise_for_failed_actions(catalogue: CatalogueStore) -> None:
    original = RemoteAction.run

    async def run(
        self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
    ) -> Any:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except Exception as exc:
            # The type only: the text can hold the request, and so a resident's words.
            log.error(
                "Action %s failed (%s); the resident gets the apology",
                self.name(),
                type(exc).__name__,
            )
            end_turn = FollowupAction(ACTION_LISTEN_NAME)
            if _apologised_this_turn(list(tracker.events)):
                return [end_turn]
            reference = next((r for s in REFERENCE_SLOTS if (r := tracker.get_slot(s))), None)
            return [BotUttered(await apology(catalogue, reference)), end_turn]

    RemoteAction.run = run


def _compiled(schema: dict[str, Any]) -> Any:
    kind = validator_for(schema)
    kind.check_schema(schema)
    return kind(schema)


def _event_checks(schema: dict[str, Any]) -> tuple[Any, dict[str, Any]] | None:
    """Rasa's schema says each event matches exactly one of about 25 alternatives, told apart
    by the constant in "event"; jsonschema tries them all for every event. Split so each event
    is checked against its own alternative only: the same verdict, since an event matches
    another type's alternative never (its "event" differs). None when the schema has another
    shape than Rasa 3.6's, so the whole schema is used as it is."""
    items = schema.get("properties", {}).get("events", {}).get("items", {})
    alternatives = items.get("oneOf", [])
    kinds = [a.get("properties", {}).get("event", {}).get("const") for a in alternatives]
    if not alternatives or "event" not in items.get("required", ()) or None in kinds:
        return None
    if len(set(kinds)) != len(kinds):
        return None
    without = {k: v for k, v in items.items() if k != "oneOf"}
    events = {**schema["properties"]["events"], "items": without}
    outer = {**schema, "properties": {**schema["properties"], "events": events}}
    return _compiled(outer), {k: _compiled(a) for k, a in zip(kinds, alternatives, strict=True)}


def _validate_action_results_with_one_validator() -> None:
    """The schema never changes, so it is checked and compiled once. A valid response passes as
    before; an invalid one goes to Rasa's own check, which refuses it with its own error."""
    schema = RemoteAction.action_response_format_spec()
    split = _event_checks(schema)
    whole = _compiled(schema)
    rasas_own = RemoteAction._validate_action_result

    def passes(result: Any) -> bool:
        if split is None:
            return bool(whole.is_valid(result))
        outer, by_kind = split
        if not outer.is_valid(result):
            return False
        return all(
            (check := by_kind.get(event["event"])) is not None and check.is_valid(event)
            for event in result.get("events", ())
        )

    def validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        return passes(result) or rasas_own(self, result)

    RemoteAction._validate_action_result = validate


def _resolve_events_by_a_table() -> None:
    """Same answers as Rasa's `Event.resolve_by_type`: the first class in `all_subclasses`
    order wins, and a name no class has ("topic", unknown) goes to Rasa's own code."""
    rasas_own = Event.resolve_by_type
    table: dict[str, type[Event]] = {}

    def resolve(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
        if type_name not in table:
            table.update({c.type_name: c for c in reversed(all_subclasses(Event))})
        found = table.get(type_name)
        return found if found is not None else rasas_own(type_name, default)

    Event.resolve_by_type = staticmethod(resolve)


class SequentialGraphRunner(DaskGraphRunner):  # type: ignore[misc]
    """Runs the model's graph node after node in this thread, as dask's synchronous scheduler
    does, without building, culling and ordering a dask graph on every run: Rasa runs the
    graph once to understand each message and once per predicted action, and that bookkeeping
    was about a sixth of the server's CPU (docs/benchmarks.md). Nodes get the same inputs in an
    order that respects every dependency; an input named like a node replaces that node."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._orders: dict[tuple[str, ...], list[str]] = {}

    def _order(self, targets: tuple[str, ...]) -> list[str]:
        if targets not in self._orders:
            nodes = self._graph_schema.nodes
            order: dict[str, None] = {}

            def visit(name: str) -> None:
                if name in order or name not in nodes:
                    return
                for need in nodes[name].needs.values():
                    visit(need)
                order[name] = None

            for target in targets:
                visit(target)
            self._orders[targets] = list(order)
        return self._orders[targets]

    def run(
        self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        order = self._order(tuple(run_targets))
        given = inputs or {}
        for value in given.values():
            if isinstance(value, str) and value in order:
                raise GraphRunError(f"Input value '{value}' clashes with a node name.")
        done: dict[str, Any] = {name: (name, value) for name, value in given.items()}
        try:
            for name in order:
                if name not in done:
                    needs = self._graph_schema.nodes[name].needs.values()
                    # A need nothing provides is handed over as its name, as dask does.
                    done[name] = self._instantiated_nodes[name](*(done.get(n, n) for n in needs))
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e
        return dict(done[target] for target in run_targets)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_conversations_in_wal_mode() -> None:
    """Each message ends with a commit of its events; in SQLite's default journal that waits
    for the disk twice, in write-ahead mode with synchronous=NORMAL only at checkpoints. After
    a power cut the last messages can be missing, the file is never damaged; readers (the
    dashboard's transcripts) no longer block the server's writes. Call-back requests are kept
    in our own database, not here."""
    original = SQLTrackerStore.__init__

    def init(self: SQLTrackerStore, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sqlalchemy.event.listen(self.engine, "connect", _sqlite_pragmas)

    SQLTrackerStore.__init__ = init


def install(settings: Settings) -> None:
    """Patch Rasa for this process; refuses a Rasa these patches were not made for."""
    if not rasa.__version__.startswith(SUPPORTED_RASA):
        raise UnsupportedRasa(
            f"bot/rasa_patches.py is made for Rasa {SUPPORTED_RASA}x, not {rasa.__version__}"
        )
    _patch_every_app(settings.internal_token)
    _apologise_for_failed_actions(CatalogueStore(settings.content_dir))
    rasa_action.DEFAULT_REQUEST_TIMEOUT = settings.action_timeout
    _validate_action_results_with_one_validator()
    _resolve_events_by_a_table()
    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner
    _sqlite_conversations_in_wal_mode()

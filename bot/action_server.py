"""The rasa-sdk action server, closed to everyone but our Rasa server.

rasa-sdk 3.6 has no authentication of its own, listens on every interface and, on an
error, echoes the whole request (the conversation) back in its answer. This builds the same
app with rasa-sdk's `create_app`, then adds a check of our internal token on every call but
the health check, answers errors without the request, and listens where the settings say
(this machine by default).
"""

from __future__ import annotations

import logging

from rasa_sdk.endpoint import create_app
from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from bot.internal import authorised
from bot.settings import Settings

log = logging.getLogger(__name__)
OPEN_PATHS = {"/health"}


def create_action_app(settings: Settings, package: str = "actions") -> Sanic:
    app: Sanic = create_app(package, cors_origins=None)
    token = settings.internal_token
    if token is None:
        log.error("HULPBOT_INTERNAL_TOKEN is not set: the action server refuses every call")

    async def check_caller(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or authorised(request.headers.get("authorization"), token):
            return None
        return response.json({"error": "not allowed"}, status=401)

    async def failed(request: Request, exception: Exception) -> HTTPResponse:
        # The type and the action only: the request holds what the resident said.
        try:
            body = request.json
        except Exception:  # a body that is no JSON cannot name an action
            body = None
        action = body.get("next_action") if isinstance(body, dict) else None
        log.error("Action %s failed: %s", action, type(exception).__name__, exc_info=exception)
        return response.json({"error": "action failed"}, status=500)

    app.register_middleware(check_caller, "request")
    # Replaces rasa-sdk's handler, which echoes the request (the conversation) back.
    app.error_handler.add(Exception, failed)
    return app


def run_action_server(settings: Settings, *, debug: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app = create_action_app(settings)
    log.info("Action server on http://%s:%d", settings.action_host, settings.action_port)
    app.run(
        host=settings.action_host,
        port=settings.action_port,
        workers=1,
        access_log=False,
        motd=False,
        debug=False,
    )

"""The Bot API methods of the fake server: recorded calls, and the messages and files it keeps.

`BotApiMethods` answers each method the way Telegram does (the shapes python-telegram-bot parses);
`FakeBotServer` (server.py) adds the HTTP routes, update polling and failure injection.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

BOT_ID = 7_000_000_001
BOT_USERNAME = "guide_test_bot"


@dataclass
class Call:
    """One request the bot made: method, decoded parameters, uploaded files, and when."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes]
    at: float  # time.monotonic() on arrival
    status: int = 200
    result: Any = None

    @property
    def message_id(self) -> int | None:
        """The id of the message this call sent or edited."""
        if isinstance(self.result, dict) and "message_id" in self.result:
            return int(self.result["message_id"])
        value = self.params.get("message_id")
        return int(value) if value is not None else None

    @property
    def chat_id(self) -> int | None:
        """The chat the call was about, if it names one."""
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        """The message text or caption, or an empty string."""
        return str(self.params.get("text") or self.params.get("caption") or "")

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of every inline button sent with the call."""
        markup = self.params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        return [(b.get("text", ""), b.get("callback_data", "")) for row in rows for b in row]


@dataclass
class Failure:
    """An injected failure: answer `times` calls of a method with this error."""

    status: int
    description: str
    retry_after: int | None = None
    times: int = 1
    chat_id: int | None = None


@dataclass
class Drop:
    """An injected dropped connection: the next `times` calls of a method get no answer, the
    connection is closed after the call was handled (`handled`) or before."""

    times: int = 1
    chat_id: int | None = None
    handled: bool = True


@dataclass
class Delay:
    """An injected slow answer: the next `times` calls of a method are handled (the message is
    sent), but the answer comes `seconds` late, as over a slow network."""

    seconds: float
    times: int = 1
    chat_id: int | None = None


CAPTION_LIMIT = 1024


def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
    """The reply_markup of a call, decoded (PTB sends it as JSON text in multipart uploads)."""
    markup = params.get("reply_markup")
    if isinstance(markup, str) and markup:
        markup = json.loads(markup)
    return markup if isinstance(markup, dict) else None


def _check_caption(params: dict[str, Any]) -> None:
    """As Telegram: captions hold at most 1024 characters (counted after the HTML is parsed)."""
    shown = html.unescape(re.sub(r"<[^>]+>", "", str(params.get("caption") or "")))
    if len(shown) > CAPTION_LIMIT:
        raise bad_request("message caption is too long")


def _json_param(value: Any) -> Any:
    """A parameter PTB sends JSON-encoded in a form body (lists and objects)."""
    return json.loads(value) if isinstance(value, str) else value


def bad_request(description: str) -> web.HTTPBadRequest:
    """A 400 answer in the Bot API's JSON shape."""
    body = {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}
    return web.HTTPBadRequest(text=json.dumps(body), content_type="application/json")


class BotApiMethods:
    """The methods (`_m_<name>`), over the messages and files the server keeps."""

    messages: dict[tuple[int, int], dict[str, Any]]
    files: dict[str, bytes]
    command_menus: dict[tuple[str, int | None, str], list[dict[str, str]]]
    menu_buttons: dict[int | None, dict[str, Any]]

    def _init_store(self) -> None:
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        # file_id -> the size getFile reports instead of the real one (a sender that lies)
        self.reported_sizes: dict[str, int] = {}
        self.file_bytes_served = 0

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Guide",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _m_getMe(self, _p: dict[str, Any], _f: dict[str, bytes]) -> dict[str, Any]:
        return self._bot_user()

    def _new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": self._bot_user(),
            **content,
        }
        markup = _markup(params)
        if markup is not None and markup.get("inline_keyboard"):
            message["reply_markup"] = markup  # as Telegram: only inline keyboards come back
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _m_sendMessage(self, p: dict[str, Any], _f: dict[str, bytes]) -> dict[str, Any]:
        return self._new_message(p, text=p.get("text", ""))

    def _media(self, p: dict[str, Any], files: dict[str, bytes], name: str) -> dict[str, Any]:
        data = files.get(name)
        if data is None:
            file_id = str(p.get(name, ""))
            if file_id not in self.files:
                raise bad_request("wrong file")
        else:
            file_id = f"{name}-{next(self._file_ids)}"
            self.files[file_id] = data
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(self.files[file_id]),
        }

    def _m_sendVoice(self, p: dict[str, Any], f: dict[str, bytes]) -> dict[str, Any]:
        _check_caption(p)
        voice = {**self._media(p, f, "voice"), "duration": int(float(p.get("duration") or 1))}
        return self._new_message(p, voice=voice, caption=p.get("caption", ""))

    def _m_sendAudio(self, p: dict[str, Any], f: dict[str, bytes]) -> dict[str, Any]:
        """As Telegram: title, performer and duration come back in the Audio object."""
        _check_caption(p)
        audio: dict[str, Any] = {
            **self._media(p, f, "audio"),
            "duration": int(float(p.get("duration") or 0)),
            "mime_type": "audio/mpeg",
        }
        for field in ("title", "performer"):
            if p.get(field):
                audio[field] = str(p[field])
        return self._new_message(p, audio=audio, caption=p.get("caption", ""))

    def _m_sendDocument(self, p: dict[str, Any], f: dict[str, bytes]) -> dict[str, Any]:
        document = {**self._media(p, f, "document"), "file_name": "file"}
        return self._new_message(p, document=document, caption=p.get("caption", ""))

    def _m_sendPhoto(self, p: dict[str, Any], f: dict[str, bytes]) -> dict[str, Any]:
        _check_caption(p)
        photo = [{**self._media(p, f, "photo"), "width": 640, "height": 480}]
        return self._new_message(p, photo=photo, caption=p.get("caption", ""))

    def _edit(self, p: dict[str, Any], **changes: Any) -> dict[str, Any] | bool:
        key = (int(p["chat_id"]), int(p["message_id"]))
        message = self.messages.get(key)
        if message is None:
            raise bad_request("message to edit not found")
        markup = _markup(p)
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("only inline keyboards can be edited")  # as Telegram
        new = {k: v for k, v in changes.items() if v is not None}
        keyboard = markup if markup and markup.get("inline_keyboard") else None
        same_content = all(message.get(k) == v for k, v in new.items())
        if same_content and message.get("reply_markup") == keyboard:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are"
                " exactly the same as a current content and reply markup of the message"
            )
        message.update(new)
        # As Telegram: an edit without reply_markup DROPS the inline keyboard.
        if keyboard is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = keyboard
        message["edit_date"] = int(time.time())
        return message

    def _m_editMessageText(self, p: dict[str, Any], _f: dict[str, bytes]) -> Any:
        message = self.messages.get((int(p["chat_id"]), int(p["message_id"])))
        if message is not None and "text" not in message:  # as Telegram, on a photo or voice
            raise bad_request("there is no text in the message to edit")
        return self._edit(p, text=p.get("text"))

    def _m_editMessageCaption(self, p: dict[str, Any], _f: dict[str, bytes]) -> Any:
        message = self.messages.get((int(p["chat_id"]), int(p["message_id"])))
        if message is not None and "text" in message:  # as Telegram, on a text message
            raise bad_request("there is no caption in the message to edit")
        _check_caption(p)
        return self._edit(p, caption=p.get("caption"))

    def _m_editMessageReplyMarkup(self, p: dict[str, Any], _f: dict[str, bytes]) -> Any:
        return self._edit(p)

    def _m_deleteMessage(self, p: dict[str, Any], _f: dict[str, bytes]) -> bool:
        if self.messages.pop((int(p["chat_id"]), int(p["message_id"])), None) is None:
            raise bad_request("message to delete not found")  # as Telegram
        return True

    def _m_sendChatAction(self, _p: dict[str, Any], _f: dict[str, bytes]) -> bool:
        return True

    def _m_answerCallbackQuery(self, _p: dict[str, Any], _f: dict[str, bytes]) -> bool:
        return True

    def _m_deleteWebhook(self, _p: dict[str, Any], _f: dict[str, bytes]) -> bool:
        return True

    def _m_setWebhook(self, _p: dict[str, Any], _f: dict[str, bytes]) -> bool:
        return True

    def _m_setMyCommands(self, p: dict[str, Any], _f: dict[str, bytes]) -> bool:
        """As Telegram: 1-100 commands of 1-32 lowercase letters, digits and underscores, each
        described in 1-256 characters; a language_code is empty or two-letter ISO 639-1."""
        commands = _json_param(p.get("commands"))
        if not isinstance(commands, list) or not 0 < len(commands) <= 100:
            raise bad_request("commands must be a list of 1-100 commands")
        for command in commands:
            name = str(command.get("command", ""))
            about = str(command.get("description", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(about) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        code = str(p.get("language_code") or "")
        if code and not re.fullmatch(r"[a-z]{2}", code):
            raise bad_request("LANGUAGE_CODE_INVALID")
        scope = _json_param(p.get("scope")) or {"type": "default"}
        chat = scope.get("chat_id")
        key = (str(scope.get("type")), int(chat) if chat is not None else None, code)
        self.command_menus[key] = commands
        return True

    def _m_setChatMenuButton(self, p: dict[str, Any], _f: dict[str, bytes]) -> bool:
        """As Telegram: `chat_id` is optional (none: the default button) and names a private chat;
        `menu_button` is commands, default or web_app, and a web_app button needs a text and an
        https:// address."""
        chat: int | None = None
        if p.get("chat_id") not in (None, ""):
            try:
                chat = int(p["chat_id"])
            except (TypeError, ValueError):
                raise bad_request("chat not found") from None
            if chat <= 0:  # a group or channel has no menu button of its own
                raise bad_request("chat not found")
        button = _json_param(p.get("menu_button")) or {"type": "default"}
        if not isinstance(button, dict):
            raise bad_request("can't parse menu button")
        kind = button.get("type")
        if kind not in ("commands", "default", "web_app"):
            raise bad_request("unsupported menu button type")
        if kind == "web_app":
            text = str(button.get("text") or "")
            if not text.strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            web_app = button.get("web_app")
            url = str(web_app.get("url", "")) if isinstance(web_app, dict) else ""
            if not url.startswith("https://"):
                raise bad_request("BUTTON_URL_INVALID")
        self.menu_buttons[chat] = button
        if chat is None:
            self.menu_button = button
        return True

    def _m_getWebhookInfo(self, _p: dict[str, Any], _f: dict[str, bytes]) -> dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _m_getFile(self, p: dict[str, Any], _f: dict[str, bytes]) -> dict[str, Any]:
        file_id = str(p.get("file_id", ""))
        if file_id not in self.files:
            raise bad_request("invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": self.reported_sizes.get(file_id, len(self.files[file_id])),
            "file_path": f"files/{file_id}",
        }

    async def _file(self, request: web.Request) -> web.StreamResponse:
        """A file download, streamed in chunks; `file_bytes_served` counts what went out, so a
        test can see a client stop reading."""
        file_id = request.match_info["path"].removeprefix("files/")
        if request.match_info["token"] != self.token or file_id not in self.files:
            return web.Response(status=404)
        data = self.files[file_id]
        response = web.StreamResponse(headers={"Content-Length": str(len(data))})
        await response.prepare(request)
        try:
            for start in range(0, len(data), 16_384):
                chunk = data[start : start + 16_384]
                await response.write(chunk)
                self.file_bytes_served += len(chunk)
        except (ConnectionResetError, RuntimeError):
            return response  # the client stopped reading
        return response

    def add_file(self, data: bytes, *, name: str = "document") -> str:
        """Store bytes as if a user had uploaded them; returns their file_id (for getFile)."""
        file_id = f"{name}-{next(self._file_ids)}"
        self.files[file_id] = data
        return file_id

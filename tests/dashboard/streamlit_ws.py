"""A minimal Streamlit client over the app's websocket (no browser): what the browser's
frontend sends to run the script and set widget values, enough to log in through the
form (keys login_username / login_password / login_submit) and read what the page shows.
Used by the tests that need many clients at once against a real server (no tests here).

The protocol is Streamlit's own: BackMsg/ForwardMsg protobufs in binary frames on
``/_stcore/stream``; the Sec-WebSocket-Protocol header carries "streamlit", an XSRF token
and, to resume a session, that session's id.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import ClientConnection, connect


@dataclass
class Page:
    """What one script run showed: widget ids by user key, texts of alerts and titles."""

    widgets: dict[str, str] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    markdown: list[str] = field(default_factory=list)


class StreamlitClient:
    def __init__(self, url: str, headers: dict[str, str] | None = None,
                 resume_session: str | None = None, timeout_s: float = 120) -> None:
        ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        protocols = ["streamlit", "no-xsrf-token"] + ([resume_session] if resume_session
                                                      else [])
        self.timeout_s = timeout_s
        # Entered as a context manager (websockets 17 warns otherwise); straight to
        # 127.0.0.1, never through an HTTP proxy of the environment.
        self.ws: ClientConnection = connect(
            ws_url, subprotocols=protocols,  # type: ignore[arg-type]
            additional_headers=headers or {}, open_timeout=timeout_s, max_size=None,
            proxy=None).__enter__()
        self.session_id: str | None = None
        self.page_hash = ""

    def close(self) -> None:
        self.ws.close()

    def __enter__(self) -> StreamlitClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, widgets: dict[str, str] | None = None, trigger: str | None = None,
            ids: dict[str, str] | None = None) -> Page:
        """One script run: set text widgets by key (ids from an earlier Page), press the
        button ``trigger`` (a key), wait for the run to finish and return what it showed."""
        msg = BackMsg()
        state = msg.rerun_script
        state.page_script_hash = self.page_hash
        for key, value in (widgets or {}).items():
            widget = state.widget_states.widgets.add()
            widget.id = (ids or {})[key]
            widget.string_value = value
        if trigger is not None:
            widget = state.widget_states.widgets.add()
            widget.id = (ids or {})[trigger]
            widget.trigger_value = True
        self.ws.send(msg.SerializeToString())
        return self._read_run()

    def _read_run(self) -> Page:
        page = Page()
        deadline = time.monotonic() + self.timeout_s
        started = False
        while time.monotonic() < deadline:
            fwd = ForwardMsg()
            fwd.ParseFromString(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                started = True
                self.session_id = fwd.new_session.initialize.session_id or self.session_id
                self.page_hash = fwd.new_session.page_script_hash or self.page_hash
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                _collect(fwd.delta.new_element, page)
            elif kind == "script_finished" and started:
                status = fwd.script_finished
                if status in (ForwardMsg.FINISHED_SUCCESSFULLY,
                              ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    return page
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise RuntimeError("the script did not compile")
                # FINISHED_EARLY_FOR_RERUN: st.rerun(); the next run follows
                page = Page()
        raise TimeoutError("the script run did not finish")


def _collect(element: object, page: Page) -> None:
    kind = element.WhichOneof("type")  # type: ignore[attr-defined]
    inner = getattr(element, kind)
    widget_id = getattr(inner, "id", "")
    if isinstance(widget_id, str) and widget_id.startswith("$$ID"):
        # A keyed widget's id ends with "-" + its key.
        page.widgets[widget_id.rsplit("-", 1)[-1]] = widget_id
    if kind == "alert":
        page.alerts.append(inner.body)
    elif kind == "heading":
        page.titles.append(inner.body)
    elif kind == "markdown":
        page.markdown.append(inner.body)

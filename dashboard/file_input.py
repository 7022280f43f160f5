"""A file upload that travels over the app's websocket (issue 24, docs/security.md
"Sessions").

Streamlit's st.file_uploader sends each file to ``/_stcore/upload_file/<session id>/<file
id>``: the session id in a URL, so in the logs of every proxy on the way. This component
(``st.components.v2``, inline HTML and JavaScript, no URL of its own) reads the chosen files
in the browser and sends their names and bytes (base64) as one trigger value over the
websocket the page already holds. ``decode_files`` turns that value back into files of the
shape dashboard/upload.py takes, and checks again what the browser checked (size, type):
the browser's checks spare the user a long wait, the server's are the ones that hold.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import streamlit as st

from dashboard.text import plain
from pipelines.config import settings
from pipelines.i18n import _, fmt, ngettext

ACCEPTED = (".csv", ".xlsx", ".xml")
# What one websocket message carries besides the files (protobuf envelope, other widgets).
_ENVELOPE_BYTES = 256 * 1024

_HTML = """
<div class="cert-file-input">
  <label><span class="cert-label"></span>
    <input type="file" multiple data-testid="cert-file-input">
  </label>
  <button type="button" disabled data-testid="cert-file-send"></button>
  <p class="cert-msg" role="status" aria-live="polite"></p>
</div>
"""

_CSS = """
.cert-file-input { font-family: var(--st-font); color: var(--st-text-color); }
.cert-file-input label { display: block; margin-bottom: 0.5rem; }
.cert-file-input .cert-label { display: block; font-size: 0.875rem; margin-bottom: 0.25rem; }
.cert-file-input button {
  border: 1px solid var(--st-border-color); border-radius: var(--st-base-radius);
  background: var(--st-secondary-background-color); color: var(--st-text-color);
  padding: 0.25rem 0.75rem; cursor: pointer;
}
.cert-file-input button:disabled { opacity: 0.5; cursor: default; }
.cert-file-input .cert-msg { font-size: 0.875rem; margin: 0.5rem 0 0 0; min-height: 1.5em; }
"""

# textContent only: file names are the user's, never read as HTML.
_JS = """
export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  const input = parentElement.querySelector("input[type=file]");
  const button = parentElement.querySelector("button");
  const msg = parentElement.querySelector(".cert-msg");
  parentElement.querySelector(".cert-label").textContent = data.label;
  input.accept = data.accept.join(",");
  button.textContent = data.button;
  // the texts come translated from Python (data.texts), with {name} placeholders; sizes
  // in the reader's notation (data.decimal: "," in Dutch)
  const say = (key, values) => data.texts[key].replace(
    /[{]([a-z_]+)[}]/g, (whole, name) => (name in values ? String(values[name]) : whole));
  const mb = (n) => (n / 1e6).toFixed(1).replace(".", data.decimal) + " MB";
  const names = (list) => list.map((f) => f.name).join(", ");
  const check = () => {
    const files = Array.from(input.files || []);
    button.disabled = true;
    if (!files.length) { msg.textContent = ""; return null; }
    const wrongType = files.filter(
      (f) => !data.accept.some((ext) => f.name.toLowerCase().endsWith(ext)));
    if (wrongType.length) {
      msg.textContent = say("wrong_type", { names: names(wrongType),
                                           types: data.accept.join(", ") });
      return null;
    }
    const big = files.filter((f) => f.size > data.max_file_bytes);
    if (big.length) {
      msg.textContent = say("too_big", {
        files: big.map((f) => f.name + " (" + mb(f.size) + ")").join(", "),
        limit: mb(data.max_file_bytes) });
      return null;
    }
    const total = files.reduce((sum, f) => sum + f.size, 0);
    if (total > data.max_total_bytes) {
      msg.textContent = say("too_much", { total: mb(total), limit: mb(data.max_total_bytes) });
      return null;
    }
    msg.textContent = say("to_send", { names: names(files), total: mb(total) });
    button.disabled = false;
    return files;
  };
  const read = (file) => new Promise((resolve, reject) => {
    const reader = new FileReader();
    // a data: URL, "data:<type>;base64,<bytes>"; base64 holds no comma
    reader.onload = () => resolve(String(reader.result).split(",")[1] || "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
  input.onchange = check;
  button.onclick = async () => {
    const files = check();
    if (!files) return;
    button.disabled = true;
    msg.textContent = say(files.length === 1 ? "reading_one" : "reading_many",
                          { n: files.length });
    try {
      const sent = [];
      for (const f of files) sent.push({ name: f.name, size: f.size, base64: await read(f) });
      setTriggerValue("files", sent);
      msg.textContent = say("sent", { names: names(sent) });
      input.value = "";
    } catch (err) {
      msg.textContent = say("unreadable", { error: String(err) });
      button.disabled = false;
    }
  };
}
"""

# Not in a shadow root: there its height stayed at the first layout and cut off the button
# and the message (Chromium); the CSS above only names .cert-file-input and its children.
_component = st.components.v2.component("cert_file_input", html=_HTML, css=_CSS, js=_JS,
                                        isolate_styles=False)


class UploadRejected(ValueError):
    """What the browser sent is not a file this upload takes (too large, wrong type,
    malformed); the message says which and why, for the person who sent it."""


@dataclass(frozen=True)
class ReceivedFile:
    """One file as dashboard/upload.py takes it (the shape of st.file_uploader's files)."""

    name: str
    data: bytes

    def getvalue(self) -> bytes:
        return self.data


def limits() -> tuple[int, int]:
    """(most bytes per file, most bytes per upload). Per file: CERT_UPLOAD_MAX_MB. Per
    upload: what fits in one client websocket message (server.maxWidgetStateSize), base64
    taking 4 bytes for every 3."""
    per_file = int(settings().upload_max_mb * 1e6)
    try:
        from streamlit import config

        message = int(config.get_option("server.maxWidgetStateSize")) * 1_000_000
    except Exception:  # an option Streamlit renamed: its documented default
        message = 25_000_000
    per_upload = max(0, (message - _ENVELOPE_BYTES) * 3 // 4)
    return per_file, per_upload


def _mb(n: int) -> str:
    return _("{n} MB").format(n=fmt.number(n / 1e6, 1))


def _browser_texts() -> dict[str, str]:
    """The messages the component's JavaScript shows, in the reader's language (its
    {placeholders} are filled in the browser)."""
    return {
        "wrong_type": _("{names}: not taken; only {types} files."),
        "too_big": _("{files}: over the limit of {limit} per file; nothing sent."),
        "too_much": _("These files come to {total} together, over the {limit} one upload may "
                      "hold; send them in smaller groups."),
        "to_send": _("To send: {names} ({total})."),
        "reading_one": ngettext("Reading {n} file…", "Reading {n} files…", 1),
        "reading_many": ngettext("Reading {n} file…", "Reading {n} files…", 2),
        "sent": _("Sent {names}."),
        "unreadable": _("A file could not be read: {error}"),
    }


def decode_files(payload: Any, max_file_bytes: int, max_total_bytes: int | None = None,
                 accept: Sequence[str] = ACCEPTED) -> list[ReceivedFile]:
    """The files of the component's ``files`` trigger value: a list of ``{"name",
    "base64"}``. Raises UploadRejected, naming the file, for a file over
    ``max_file_bytes``, an upload over ``max_total_bytes``, a type not in ``accept``, or
    anything that is not such a list (the value comes from the browser: anyone can send
    anything)."""
    if not isinstance(payload, list) or not payload:
        raise UploadRejected(_("The upload holds no files."))
    files: list[ReceivedFile] = []
    total = 0
    for item in payload:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) \
                or not isinstance(item.get("base64"), str):
            raise UploadRejected(_("The upload is malformed: a file without name or content."))
        name = PurePath(item["name"].replace("\\", "/")).name  # the name, never a path
        if not name:
            raise UploadRejected(_("The upload is malformed: a file without a name."))
        if not name.lower().endswith(tuple(accept)):
            raise UploadRejected(_("{names}: not taken; only {types} files.").format(
                names=name, types=", ".join(accept)))
        encoded = item["base64"]
        # checked before decoding, so an oversized file costs no second copy
        if len(encoded) // 4 * 3 > max_file_bytes + 2:
            raise UploadRejected(_("{name}: over the limit of {limit} per file.").format(
                name=name, limit=_mb(max_file_bytes)))
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise UploadRejected(_("{name}: the content did not arrive intact.").format(
                name=name)) from None
        if len(data) > max_file_bytes:
            raise UploadRejected(_("{name} ({size}): over the limit of {limit} per file."
                                   ).format(name=name, size=_mb(len(data)),
                                            limit=_mb(max_file_bytes)))
        total += len(data)
        if max_total_bytes is not None and total > max_total_bytes:
            raise UploadRejected(_("These files come to over {limit} together, more than one "
                                   "upload may hold; send them in smaller groups.").format(
                                       limit=_mb(max_total_bytes)))
        files.append(ReceivedFile(name, data))
    return files


def file_input(label: str, *, key: str, button: str | None = None
               ) -> list[ReceivedFile] | None:
    """Show the file input; the files when the user pressed ``button`` in this run (the
    run that carries them), else None. An upload decode_files refuses is said in an error
    box under the input (its reason names the file: shown as text) and gives None."""
    per_file, per_upload = limits()
    result = _component(key=key, data={"label": label, "button": button or _("Ingest"),
                                       "texts": _browser_texts(),
                                       "decimal": fmt.number(0.5, 1)[1],
                                       "accept": list(ACCEPTED),
                                       "max_file_bytes": per_file,
                                       "max_total_bytes": per_upload},
                        on_files_change=lambda: None)
    payload = result.get("files")
    if payload is None:
        return None
    try:
        return decode_files(payload, per_file, per_upload)
    except UploadRejected as refused:
        st.error(plain(str(refused)))
        return None

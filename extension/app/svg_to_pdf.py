"""POST <base_url>marble/svg-to-pdf: the PDF of an SVG figure, for the extension's "Save figure".

The browser cannot embed fonts in a PDF of its own; the server converts with the same tool as
the library's figure export (Debian's rsvg-convert, librsvg + cairo): one page of the size the
SVG states in millimetres, text kept as text with its fonts embedded as subsets. The body is the
SVG; the answer is JSON, {"format": "pdf", "bytes": n, "base64": ...}, which the page writes
beside the notebook through the contents API (so the contents API's rules apply to the file).
The converter reads nothing but its input: no file names travel, nothing is written here.
"""
import asyncio
import base64
import json
import os
import shutil

from jupyter_server.auth import authorized
from jupyter_server.base.handlers import APIHandler
from tornado import web

URL = "marble/svg-to-pdf"
RSVG_CONVERT = os.environ.get("MARBLE_RSVG_CONVERT", "rsvg-convert")
INSTALL = "install Debian's librsvg2-bin and fonts-dejavu-core (as root: bash scripts/setup-system.sh figures), or set MARBLE_RSVG_CONVERT"
# a 3-D figure carries its WebGL layers as embedded PNGs: a few MB; far more is not a figure
MAX_BYTES = 64 * 1024 * 1024
TIMEOUT_S = 120


def converter_missing():
    """None when the converter can run, otherwise why not (shown by the page)."""
    if shutil.which(RSVG_CONVERT) is None:
        return f"{RSVG_CONVERT} not found: {INSTALL}"
    return None


class SvgToPdfHandler(APIHandler):
    auth_resource = "contents"

    @web.authenticated
    @authorized
    async def post(self):
        svg = self.request.body
        if len(svg) > MAX_BYTES:
            raise web.HTTPError(413, f"the SVG has {len(svg)} bytes; at most {MAX_BYTES} are converted")
        head = svg[:512].lstrip()
        if not (head.startswith(b"<svg") or head.startswith(b"<?xml")):
            raise web.HTTPError(400, "the request body is not an SVG document (expected it to start with <svg or <?xml)")
        missing = converter_missing()
        if missing:
            raise web.HTTPError(503, missing)
        proc = await asyncio.create_subprocess_exec(
            RSVG_CONVERT, "--format", "pdf",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            pdf, err = await asyncio.wait_for(proc.communicate(svg), TIMEOUT_S)
        except asyncio.TimeoutError:
            proc.kill()
            await proc.wait()
            raise web.HTTPError(500, f"{RSVG_CONVERT} took more than {TIMEOUT_S} s")
        if proc.returncode != 0 or not pdf.startswith(b"%PDF-"):
            why = err.decode("utf-8", "replace").strip()[:500] or f"exit code {proc.returncode}"
            raise web.HTTPError(500, f"{RSVG_CONVERT} could not convert the SVG: {why}")
        self.finish(json.dumps({"format": "pdf", "bytes": len(pdf), "base64": base64.b64encode(pdf).decode("ascii")}))


def handlers():
    return [(URL, SvgToPdfHandler)]

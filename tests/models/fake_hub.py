"""A Hugging Face hub on the loopback interface, serving one folder as one model repository:
just the endpoints ``snapshot_download`` uses (revision info, tree listing, file HEAD and GET)."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _handler(repo: str, folder: Path, served: list[str]) -> type[BaseHTTPRequestHandler]:
    files = {path.relative_to(folder).as_posix(): path
             for path in sorted(folder.rglob("*")) if path.is_file()}

    class Hub(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the test reads ``served`` instead."""

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

        def _answer(self, body: bool) -> None:
            path = unquote(urlparse(self.path).path)
            if path.startswith(f"/api/models/{repo}/revision/"):
                self._json({"id": repo, "sha": COMMIT, "siblings": [
                    {"rfilename": name} for name in files]}, body)
            elif path.startswith(f"/api/models/{repo}/tree/"):
                self._json([{"type": "file", "path": name, "size": file.stat().st_size,
                             "oid": hashlib.sha1(file.read_bytes()).hexdigest()}
                            for name, file in files.items()], body)
            elif path.startswith(f"/{repo}/resolve/{COMMIT}/"):
                self._file(path.removeprefix(f"/{repo}/resolve/{COMMIT}/"), body)
            else:
                self.send_error(404)

        def _json(self, data: object, body: bool) -> None:
            payload = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if body:
                self.wfile.write(payload)

        def _file(self, name: str, body: bool) -> None:
            if name not in files:
                self.send_error(404)
                return
            data = files[name].read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", f'"{hashlib.sha1(data).hexdigest()}"')
            self.send_header("X-Repo-Commit", COMMIT)
            self.end_headers()
            if body:
                served.append(name)
                self.wfile.write(data)

    return Hub


@contextmanager
def serving(repo: str, folder: Path, served: list[str]) -> Iterator[str]:
    """Serve ``folder`` as the model repository ``repo``; yields the endpoint URL. Each file
    sent whole is appended to ``served``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(repo, folder, served))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

"""A tiny OTLP/HTTP trace sink for bench/tracing.sh: answers 200 with an empty ExportTraceServiceResponse
(zero bytes) to POST /v1/traces, and GET /stats with "<exports> <bytes>" received so far. It decodes
nothing: the bench measures what exporting costs Serai, not the receiver."""
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
exports = 0
received = 0


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a collector serves the exporter

    def do_POST(self):
        global exports, received
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self.read_chunked()
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            exports += 1
            received += len(body)
        self.send_response(200 if self.path == "/v1/traces" else 404)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def read_chunked(self):
        body = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip(), 16)
            chunk = self.rfile.read(size + 2)  # the chunk and its CRLF
            if size == 0:
                return body
            body += chunk[:-2]

    def do_GET(self):
        with lock:
            text = f"{exports} {received}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()

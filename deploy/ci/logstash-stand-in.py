#!/usr/bin/python3
"""A stand-in for Logstash's TLS `tcp { codec => json_lines }` input, for deploy/ci/chroot-test.sh.

  logstash-stand-in.py ADDRESS PORT CERT KEY OUT

Accepts TLS connections on ADDRESS:PORT (several at once: rsyslog opens one per action), decodes every line as
JSON as the json_lines codec does and appends each event to OUT, one JSON object per line; a line that is not a
JSON object goes to OUT.bad instead, so the test can tell "not shipped" from "shipped in a format ELK refuses".
Runs until killed.
"""
import json
import socketserver
import ssl
import sys
import threading

address, port, cert, key, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
write_lock = threading.Lock()


def record(line: bytes) -> None:
    try:
        event = json.loads(line)
        ok = isinstance(event, dict)
    except ValueError:
        ok = False
    with write_lock:
        if ok:
            with open(out, "a", encoding="utf-8") as f:
                f.write(json.dumps(event) + "\n")
        else:
            with open(out + ".bad", "ab") as f:
                f.write(line + b"\n")


class Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        for line in self.rfile:
            line = line.rstrip(b"\r\n")
            if line:
                record(line)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def get_request(self):
        sock, peer = super().get_request()
        return context.wrap_socket(sock, server_side=True), peer

    def handle_error(self, request, client_address) -> None:  # a failed handshake ends that connection only
        print("connection from %s failed: %s" % (client_address, sys.exc_info()[1]), file=sys.stderr, flush=True)


with Server((address, port), Handler) as server:
    print("listening on %s:%d" % (address, port), flush=True)
    server.serve_forever()

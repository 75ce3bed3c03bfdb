#!/usr/bin/python3
"""A TURN client over TLS (TURNS) that checks the server's certificate, for deploy/ci/chroot-test.sh.

  TURN_PASSWORD=... turns-client.py SERVER PORT CAFILE USER PEER_IP PEER_PORT [COUNT]

Connects to SERVER:PORT with TLS 1.2 or later, verifying the certificate chain against CAFILE and its name against
SERVER (an IP SAN for an address); allocates a UDP relay with the long-term credentials USER / $TURN_PASSWORD
(RFC 8656: 401 with realm and nonce, then an authenticated Allocate), permits PEER_IP, sends COUNT Send indications
to PEER_IP:PEER_PORT (an echoing peer such as turnutils_peer) and waits for each echo as a Data indication; then
releases the allocation. Prints one line per step. Exit 0 when every message came back, 1 on a refused handshake,
a refused allocation or a lost message, 2 on bad arguments.

turnutils_uclient is not used for this: it picks a random TLS version per connection (1.0, 1.1, 1.2 or any), and
Coturn configured with no-tlsv1/no-tlsv1_1 never answers a 1.0/1.1 ClientHello (no alert), so uclient hangs on a
share of its connections; and its -E checks the chain but not the server's name.
"""
import hashlib
import hmac
import os
import secrets
import socket
import ssl
import struct
import sys
import zlib

MAGIC = 0x2112A442
ALLOCATE, CREATE_PERMISSION, REFRESH = 0x0003, 0x0008, 0x0004
SEND_INDICATION, DATA_INDICATION = 0x0016, 0x0017
SUCCESS, ERROR = 0x0100, 0x0110
USERNAME, MESSAGE_INTEGRITY, ERROR_CODE, LIFETIME = 0x0006, 0x0008, 0x0009, 0x000D
XOR_PEER_ADDRESS, DATA, REALM, NONCE = 0x0012, 0x0013, 0x0014, 0x0015
XOR_RELAYED_ADDRESS, REQUESTED_TRANSPORT, FINGERPRINT = 0x0016, 0x0019, 0x8028
UDP = 17
TIMEOUT = 5.0


def fail(message: str) -> None:
    print("turns-client: " + message, file=sys.stderr)
    sys.exit(1)


def attribute(kind: int, value: bytes) -> bytes:
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * (-len(value) % 4)


def xor_address(ip: str, port: int) -> bytes:
    address = struct.unpack("!I", socket.inet_aton(ip))[0] ^ MAGIC
    return struct.pack("!BBHI", 0, 1, port ^ (MAGIC >> 16), address)


def parse_xor_address(value: bytes) -> str:
    _, family, port, address = struct.unpack("!BBHI", value[:8])
    if family != 1:
        return "(IPv6)"
    return "%s:%d" % (socket.inet_ntoa(struct.pack("!I", address ^ MAGIC)), port ^ (MAGIC >> 16))


class Message:
    def __init__(self, kind: int, txid: bytes, attributes: dict):
        self.kind, self.txid, self.attributes = kind, txid, attributes

    def error(self) -> str:
        value = self.attributes.get(ERROR_CODE, b"\0\0\0\0")
        return "%d %s" % (value[2] * 100 + value[3], value[4:].decode(errors="replace"))


def encode(kind: int, txid: bytes, attributes: list, key: bytes = None) -> bytes:
    body = b"".join(attribute(k, v) for k, v in attributes)
    if key is not None:
        # MESSAGE-INTEGRITY covers the header with a length that already counts the integrity attribute.
        header = struct.pack("!HHI", kind, len(body) + 24, MAGIC) + txid
        body += attribute(MESSAGE_INTEGRITY, hmac.new(key, header + body, hashlib.sha1).digest())
    header = struct.pack("!HHI", kind, len(body) + 8, MAGIC) + txid
    crc = (zlib.crc32(header + body) ^ 0x5354554E) & 0xFFFFFFFF
    return header + body + attribute(FINGERPRINT, struct.pack("!I", crc))


class Connection:
    def __init__(self, tls: ssl.SSLSocket):
        self.tls, self.buffer = tls, b""

    def read_exact(self, size: int) -> bytes:
        while len(self.buffer) < size:
            chunk = self.tls.recv(65536)
            if not chunk:
                fail("the server closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def receive(self) -> Message:
        kind, length, magic = struct.unpack("!HHI", self.read_exact(8))
        txid = self.read_exact(12)
        if magic != MAGIC:
            fail("not a STUN message from the server (magic cookie %08x)" % magic)
        body, attributes, offset = self.read_exact(length), {}, 0
        while offset + 4 <= len(body):
            attr_kind, attr_length = struct.unpack("!HH", body[offset:offset + 4])
            attributes.setdefault(attr_kind, body[offset + 4:offset + 4 + attr_length])
            offset += 4 + attr_length + (-attr_length % 4)
        return Message(kind, txid, attributes)

    def request(self, kind: int, attributes: list, key: bytes = None) -> Message:
        txid = secrets.token_bytes(12)
        self.tls.sendall(encode(kind, txid, attributes, key))
        while True:
            answer = self.receive()
            if answer.txid == txid:
                return answer


def main() -> None:
    if len(sys.argv) not in (7, 8) or "TURN_PASSWORD" not in os.environ:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        sys.exit(2)
    server, port, cafile, user, peer_ip, peer_port = sys.argv[1:7]
    count = int(sys.argv[7]) if len(sys.argv) == 8 else 5
    password = os.environ["TURN_PASSWORD"]

    context = ssl.create_default_context(cafile=cafile)  # CERT_REQUIRED and the name check
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    raw = socket.create_connection((server, int(port)), timeout=TIMEOUT)
    try:
        tls = context.wrap_socket(raw, server_hostname=server)
    except ssl.SSLError as error:
        fail("TLS handshake with %s:%s refused: %s" % (server, port, error))
    print("ok  %s with %s:%s, certificate verified against %s for %s"
          % (tls.version(), server, port, cafile, server))
    connection = Connection(tls)

    transport = [(REQUESTED_TRANSPORT, bytes([UDP, 0, 0, 0]))]
    challenge = connection.request(ALLOCATE, transport)
    if challenge.kind != ALLOCATE | ERROR or REALM not in challenge.attributes:
        fail("the unauthenticated Allocate got %04x, want a 401 with a realm" % challenge.kind)
    realm, nonce = challenge.attributes[REALM], challenge.attributes[NONCE]
    key = hashlib.md5(b"%s:%s:%s" % (user.encode(), realm, password.encode())).digest()
    credentials = [(USERNAME, user.encode()), (REALM, realm), (NONCE, nonce)]

    allocated = connection.request(ALLOCATE, transport + credentials, key)
    if allocated.kind != ALLOCATE | SUCCESS:
        fail("Allocate as %s refused: %s" % (user, allocated.error()))
    print("ok  allocated relay %s as %s (realm %s)"
          % (parse_xor_address(allocated.attributes[XOR_RELAYED_ADDRESS]), user, realm.decode()))

    peer = xor_address(peer_ip, int(peer_port))
    permitted = connection.request(CREATE_PERMISSION, [(XOR_PEER_ADDRESS, peer)] + credentials, key)
    if permitted.kind != CREATE_PERMISSION | SUCCESS:
        fail("CreatePermission for %s refused: %s" % (peer_ip, permitted.error()))

    echoed = 0
    for sequence in range(count):
        payload = b"smd-turns-%d-" % sequence + secrets.token_bytes(16)
        tls.sendall(encode(SEND_INDICATION, secrets.token_bytes(12), [(XOR_PEER_ADDRESS, peer), (DATA, payload)]))
        try:
            while True:
                message = connection.receive()
                if message.kind == DATA_INDICATION and message.attributes.get(DATA) == payload:
                    echoed += 1
                    break
        except socket.timeout:
            pass
    lost = count - echoed
    connection.request(REFRESH, [(LIFETIME, struct.pack("!I", 0))] + credentials, key)
    tls.close()
    print("ok  relayed through %s:%s to %s:%s: sent %d, echoed %d, lost %d"
          % (server, port, peer_ip, peer_port, count, echoed, lost))
    if lost:
        fail("%d of %d messages relayed to the peer did not come back" % (lost, count))


if __name__ == "__main__":
    try:
        main()
    except OSError as error:  # refused, reset or timed out (socket.timeout is an OSError)
        fail("%s: %s" % (type(error).__name__, error))

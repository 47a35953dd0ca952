# Opens N keep-alive connections to 127.0.0.1:PORT, sends one GET on each and reads its answer, then
# holds them idle. Prints "open N" once all answered; on a line "check" on stdin prints how many the
# server has closed since ("closed K"); on end of input closes them all. Used by bench/scale.sh.
import select
import socket
import sys

port, count = int(sys.argv[1]), int(sys.argv[2])
request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
conns = []
for _ in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(request)
    conns.append(s)
failed = 0
for s in conns:
    # The bench's answers (200 B bodies) come in one read; a 200 status line is all we check.
    if not s.recv(65536).startswith(b"HTTP/1.1 200"):
        failed += 1
print(f"open {count - failed}", flush=True)

poller = select.poll()
for s in conns:
    poller.register(s, select.POLLIN | select.POLLHUP | select.POLLERR)
for line in sys.stdin:
    if line.strip() == "check":
        # An idle keep-alive connection becomes readable only when the server closed it.
        print(f"closed {len(poller.poll(0))}", flush=True)
for s in conns:
    s.close()

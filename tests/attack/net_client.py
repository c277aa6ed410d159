#!/usr/bin/env python3
"""net_client.py PORT MSG_SIZE SECONDS: another local user against the net
server of a run (tests/e2e_net.sh runs it as nobody).  For SECONDS it opens
connection after connection, each sending well-formed requests (the right
magic, ids and size, but no run's tag), and keeps one more connection that
sends and never reads.  Prints how many connections it made and how many
answers it got: the server must give none."""
import socket, struct, sys, threading, time

port, size, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
end = time.time() + secs
answers = 0
conns = 0


def request(i):
    return struct.pack("<IIII", 0x71626F69, i, 0, size) + bytes(size - 16)


def greedy():
    """Sends request after request and never reads an answer."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=1)
        s.settimeout(0.2)
        i = 0
        while time.time() < end:
            s.sendall(request(i))
            i += 1
    except OSError:
        pass    # dropped: what the server must do


t = threading.Thread(target=greedy)
t.start()
while time.time() < end:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=1)
        conns += 1
        for i in range(4):
            s.sendall(request(i))
        s.settimeout(0.05)
        try:
            data = s.recv(size)
            answers += len(data) >= 16
        except OSError:
            pass
        s.close()
    except OSError:
        time.sleep(0.01)
t.join()
print(conns, answers)

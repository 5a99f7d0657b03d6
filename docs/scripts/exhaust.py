#!/usr/bin/env python3
# One address tries to exhaust the server: 3,000 connections that never send a byte plus 200
# slowloris connections, held 15 s; meanwhile another address asks /healthz 10 times a second.
import os, socket, subprocess, sys, tempfile, threading, time, http.client
binary, port = sys.argv[1], int(sys.argv[2])
data = tempfile.mkdtemp()
env = dict(os.environ, MINGLE_AUTH_PER_ADDRESS_PER_MINUTE="1000000")
server = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def fds(): return len(os.listdir(f"/proc/{server.pid}/fd"))
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close(); break
    except OSError: time.sleep(0.2)
time.sleep(2)
print("descriptors before:", fds())
held, refused = [], 0
def attack():
    global refused
    for i in range(3200):
        s = socket.socket(); s.bind(("127.0.0.5", 0))
        try:
            s.connect(("127.0.0.1", port))
            if i >= 3000:
                s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            held.append(s)
        except OSError:
            refused += 1
threading.Thread(target=attack).start()
latencies, peak = [], 0
start = time.time()
while time.time() - start < 15:
    t = time.time()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=("127.0.0.6", 0))
    try:
        c.request("GET", "/healthz"); r = c.getresponse(); r.read(); ok = r.status == 200
    except OSError: ok = False
    latencies.append((time.time() - t) * 1000 if ok else float("inf")); c.close()
    peak = max(peak, fds())
    for s in list(held)[:50]:
        try:
            s.send(b"X-Slow: 1\r\n") if held.index(s) >= 3000 else None
        except OSError: pass
    time.sleep(0.1)
latencies.sort()
p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(f"attacker: {len(held)} connections accepted by the kernel, {refused} failed to connect")
print(f"server descriptors: peak {peak}, after 15 s {fds()}")
print(f"/healthz from another address: {len(latencies)} requests, p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, failed {sum(1 for l in latencies if l == float('inf'))}")
server.terminate(); server.wait()

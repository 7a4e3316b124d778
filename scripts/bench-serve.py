#!/usr/bin/env python3
"""Throughput of `logseal serve` (socket mode, loopback) against `logseal filter` on the same
records in the same run. Usage: scripts/bench-serve.py [RECORDS] [CONNECTIONS]
Needs a release build (cargo build --release). Prints one line per measurement."""
import os, socket, subprocess, sys, threading, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target/release/logseal")
n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
conns = int(sys.argv[2]) if len(sys.argv) > 2 else 4
base = open(os.path.join(root, "host-examples/logs/app.ndjson"), "rb").read().splitlines()
lines = [base[i % len(base)] for i in range(n)]
data = b"\n".join(lines) + b"\n"
path = "/tmp/logseal-bench-serve.ndjson"
open(path, "wb").write(data)
hz = os.sysconf("SC_CLK_TCK")

def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / hz

# logseal filter
# (/usr/bin/time for the peak RSS: a forked child's ru_maxrss counts this script's memory.)
t = time.time()
out = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", binary, "filter"], stdin=open(path, "rb"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).stderr
wall = time.time() - t
user, sys_, rss = out.decode().split()[-3:]
fcpu = float(user) + float(sys_)
fps = n / wall
print(f"filter: {n} records in {wall:.3f} s = {fps:,.0f} records/s, CPU {fcpu / n * 1e6:.2f} us/record, peak RSS {int(rss) // 1024} MiB")

# downstream: counts lines
down = socket.socket(); down.bind(("127.0.0.1", 0)); down.listen(16)
got = [0]; lock = threading.Lock(); done = threading.Event()
def reader(c):
    while True:
        b = c.recv(1 << 20)
        if not b: return
        with lock:
            got[0] += b.count(b"\n")
            if got[0] >= n: done.set()
def acceptor():
    while True:
        c, _ = down.accept()
        threading.Thread(target=reader, args=(c,), daemon=True).start()
threading.Thread(target=acceptor, daemon=True).start()

srv = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--forward", f"127.0.0.1:{down.getsockname()[1]}"], stderr=subprocess.PIPE)
port = None
for line in srv.stderr:
    line = line.decode()
    if "listening on 127.0.0.1:" in line:
        port = int(line.split("listening on 127.0.0.1:")[1].split(",")[0]); break
chunks = [b"\n".join(lines[i::conns]) + b"\n" for i in range(conns)]
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(conns)]
c0 = cpu(srv.pid); t = time.time()
def send(s, d):
    s.sendall(d); s.shutdown(socket.SHUT_WR)
ts = [threading.Thread(target=send, args=(s, d)) for s, d in zip(socks, chunks)]
for x in ts: x.start()
done.wait(120)
wall = time.time() - t; scpu = cpu(srv.pid) - c0
rss = [l for l in open(f"/proc/{srv.pid}/status") if l.startswith("VmHWM")][0].split()[1]
print(f"serve ({conns} connections, 2 workers): {got[0]} records in {wall:.3f} s = {got[0] / wall:,.0f} records/s, CPU {scpu / n * 1e6:.2f} us/record, peak RSS {int(rss) // 1024} MiB")
print(f"serve/filter throughput: {got[0] / wall / fps:.0%}")
srv.terminate(); srv.wait(30)

#!/usr/bin/env python3
"""Throughput of `logseal serve` (socket and HTTP modes, loopback) against `logseal filter` on the
same records in the same run, and the latency HTTP mode adds at half its measured throughput.
Usage: scripts/bench-serve.py [RECORDS] [CONNECTIONS] [BATCH]
Needs a release build (cargo build --release). Prints one line per measurement."""
import json, os, socket, subprocess, sys, tempfile, threading, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target/release/logseal")
n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
conns = int(sys.argv[2]) if len(sys.argv) > 2 else 4
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 500
base = open(os.path.join(root, "host-examples/logs/app.ndjson"), "rb").read().splitlines()
lines = [base[i % len(base)] for i in range(n)]
data = b"\n".join(lines) + b"\n"
path = "/tmp/logseal-bench-serve.ndjson"
open(path, "wb").write(data)
hz = os.sysconf("SC_CLK_TCK")

def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / hz

def peak_rss(pid):
    return int([l for l in open(f"/proc/{pid}/status") if l.startswith("VmHWM")][0].split()[1]) // 1024

# logseal filter
# (/usr/bin/time for the peak RSS: a forked child's ru_maxrss counts this script's memory.)
t = time.time()
out = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", binary, "filter"], stdin=open(path, "rb"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).stderr
wall = time.time() - t
user, sys_, rss = out.decode().split()[-3:]
fcpu = float(user) + float(sys_)
fps = n / wall
print(f"filter: {n} records in {wall:.3f} s = {fps:,.0f} records/s, CPU {fcpu / n * 1e6:.2f} us/record, peak RSS {int(rss) // 1024} MiB")

def start(args):
    srv = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0"] + args, stderr=subprocess.PIPE)
    for line in srv.stderr:
        line = line.decode()
        if "listening on 127.0.0.1:" in line:
            port = int(line.split("listening on 127.0.0.1:")[1].split(",")[0].split(" ")[0])
            threading.Thread(target=lambda: [None for _ in srv.stderr], daemon=True).start()
            return srv, port
    raise SystemExit("serve did not start")

# ---- socket mode: a downstream that counts lines --------------------------------------
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

srv, port = start(["--forward", f"127.0.0.1:{down.getsockname()[1]}"])
chunks = [b"\n".join(lines[i::conns]) + b"\n" for i in range(conns)]
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(conns)]
c0 = cpu(srv.pid); t = time.time()
def send(s, d):
    s.sendall(d); s.shutdown(socket.SHUT_WR)
ts = [threading.Thread(target=send, args=(s, d)) for s, d in zip(socks, chunks)]
for x in ts: x.start()
done.wait(120)
wall = time.time() - t; scpu = cpu(srv.pid) - c0
print(f"serve socket ({conns} connections, 2 workers): {got[0]} records in {wall:.3f} s = {got[0] / wall:,.0f} records/s, CPU {scpu / n * 1e6:.2f} us/record, peak RSS {peak_rss(srv.pid)} MiB")
print(f"serve socket/filter throughput: {got[0] / wall / fps:.0%}")
srv.terminate(); srv.wait(30)

# ---- HTTP mode: a keep-alive HTTP/1.1 downstream that answers 200 and counts lines ------
def read_request(f):
    head = f.readline()
    if not head: return None
    length = 0
    while True:
        h = f.readline()
        if h in (b"\r\n", b"\n", b""): break
        k, _, v = h.partition(b":")
        if k.strip().lower() == b"content-length": length = int(v)
    return f.read(length)

hgot = [0]; hdone = threading.Event()
def http_conn(c):
    f = c.makefile("rb")
    while True:
        body = read_request(f)
        if body is None: return
        with lock:
            hgot[0] += body.count(b"\n")
            if hgot[0] >= n: hdone.set()
        c.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
hdown = socket.socket(); hdown.bind(("127.0.0.1", 0)); hdown.listen(16)
def http_acceptor():
    while True:
        c, _ = hdown.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=http_conn, args=(c,), daemon=True).start()
threading.Thread(target=http_acceptor, daemon=True).start()
hport = hdown.getsockname()[1]

cfg = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
json.dump({"version": 1, "mode": "http", "forward": f"http://127.0.0.1:{hport}/"}, cfg); cfg.close()
srv, port = start(["--config", cfg.name])
bodies = [b"\n".join(lines[i:i + batch]) + b"\n" for i in range(0, n, batch)]

def post(s, f, body):
    s.sendall(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-ndjson\r\ncontent-length: %d\r\n\r\n" % len(body) + body)
    status = f.readline()
    read_request_like = 0
    while True:
        h = f.readline()
        if h in (b"\r\n", b"\n", b""): break
        k, _, v = h.partition(b":")
        if k.strip().lower() == b"content-length": read_request_like = int(v)
    f.read(read_request_like)
    return status.split()[1]

def connect(p):
    s = socket.create_connection(("127.0.0.1", p)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s, s.makefile("rb")

def blast(p, work):
    s, f = connect(p)
    for body in work:
        assert post(s, f, body) == b"200"
    s.close()

c0 = cpu(srv.pid); t = time.time()
ts = [threading.Thread(target=blast, args=(port, bodies[i::conns])) for i in range(conns)]
for x in ts: x.start()
for x in ts: x.join()
wall = time.time() - t; scpu = cpu(srv.pid) - c0
hps = hgot[0] / wall
print(f"serve http ({conns} connections, {batch} records per POST, 2 workers): {hgot[0]} records in {wall:.3f} s = {hps:,.0f} records/s, CPU {scpu / n * 1e6:.2f} us/record, peak RSS {peak_rss(srv.pid)} MiB")
print(f"serve http/filter throughput: {hps / fps:.0%}")

# ---- latency at half the measured HTTP throughput ---------------------------------------
# One connection posts batches of `lat_batch` records at a fixed rate (half of `hps`),
# first straight to the downstream, then through serve; the difference of the p99s is what
# serve adds.
lat_batch = 100
rate = hps / 2 / lat_batch  # requests per second
count = int(min(3000, rate * 10))
def paced(p):
    s, f = connect(p)
    body = b"\n".join(lines[:lat_batch]) + b"\n"
    out = []; t0 = time.perf_counter()
    for i in range(count):
        due = t0 + i / rate
        now = time.perf_counter()
        if due > now: time.sleep(due - now)
        a = time.perf_counter(); assert post(s, f, body) == b"200"; out.append(time.perf_counter() - a)
    s.close(); out.sort()
    return out[len(out) // 2], out[int(len(out) * 0.99)]
d50, d99 = paced(hport)
s50, s99 = paced(port)
print(f"latency at {rate * lat_batch:,.0f} records/s ({rate:,.0f} POSTs/s of {lat_batch}, {count} POSTs): direct p50 {d50 * 1e3:.2f} ms p99 {d99 * 1e3:.2f} ms; through serve p50 {s50 * 1e3:.2f} ms p99 {s99 * 1e3:.2f} ms; added p99 {(s99 - d99) * 1e3:.2f} ms")
srv.terminate(); srv.wait(30)
os.unlink(cfg.name)

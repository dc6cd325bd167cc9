"""The Python clients of tests/bench/speed_bench.sh; run with Debian's /usr/bin/python3.

  speed_bench_client.py seed    BASE_URL CA_FILE KEY_FILE FIRST_ID DOMAINS COUNT
  speed_bench_client.py session BASE_URL CA_FILE KEY_FILE FIRST_ID DOMAINS COUNT
  speed_bench_client.py daemon  SOCKET ACCOUNT FIRST_ID DOMAINS COUNT CONNECTIONS

seed: the seed's snippet, requests.put(url, headers=..., json=...) per task (a new connection
and TLS handshake each). session: the same through one requests.Session (keep-alive). daemon:
POST /v1/tasks to taskhost serve's unix socket over CONNECTIONS kept-alive connections (one
thread each). Task i goes to domain FIRST_ID + i % DOMAINS, named d<i % DOMAINS>.bench.example.
The key is read from KEY_FILE, never from argv, and never printed. Prints one JSON line:
{"ok": N, "total": N, "seconds": S, "statuses": {...}}; exit 0 when every task got its 2xx.
"""
import http.client
import json
import socket
import sys
import threading
import time


def domain(first_id, domains, i):
    n = i % domains
    name = "d%d.bench.example" % n
    return first_id + n, name, {"name_scope": name, "locale": "en", "email_array": ["admin@" + name]}


def http_loop(mode, base_url, ca_file, key_file, first_id, domains, count):
    import requests  # Debian's python3-requests

    with open(key_file, encoding="ascii") as f:
        key = f.read().strip()
    headers = {"Content-Type": "application/json", "X-DC-DEVKEY": key}
    client = requests.Session() if mode == "session" else requests
    statuses = {}
    for i in range(count):
        domain_id, _, payload = domain(first_id, domains, i)
        url = "%s/domain/%d/dcv/emails" % (base_url, domain_id)
        response = client.put(url, headers=headers, json=payload, verify=ca_file)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    return statuses, statuses.get(204, 0)


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost")
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def daemon_worker(sock_path, account, first_id, domains, indexes, statuses, lock):
    connection = UnixConnection(sock_path)
    for i in indexes:
        domain_id, _, params = domain(first_id, domains, i)
        params.update({"domain_id": domain_id, "check_recipients": False})
        body = json.dumps({"task": "digicert.dcv.resend", "account": account, "params": params})
        connection.request("POST", "/v1/tasks", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        with lock:
            statuses[response.status] = statuses.get(response.status, 0) + 1
    connection.close()


def daemon_loop(sock_path, account, first_id, domains, count, connections):
    statuses, lock = {}, threading.Lock()
    threads = [
        threading.Thread(
            target=daemon_worker,
            args=(sock_path, account, first_id, domains, range(t, count, connections), statuses, lock),
        )
        for t in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, statuses.get(200, 0)


def main(argv):
    mode = argv[1] if len(argv) > 1 else ""
    started = time.monotonic()
    if mode in ("seed", "session") and len(argv) == 8:
        first_id, domains, count = int(argv[5]), int(argv[6]), int(argv[7])
        statuses, ok = http_loop(mode, argv[2], argv[3], argv[4], first_id, domains, count)
    elif mode == "daemon" and len(argv) == 8:
        count = int(argv[6])
        statuses, ok = daemon_loop(argv[2], argv[3], int(argv[4]), int(argv[5]), count, int(argv[7]))
    else:
        sys.stderr.write(__doc__)
        return 2
    seconds = time.monotonic() - started
    print(json.dumps({"ok": ok, "total": count, "seconds": round(seconds, 3),
                      "statuses": {str(k): v for k, v in statuses.items()}}))
    return 0 if ok == count else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""A loopback stand-in for MaxCompute's REST API, for ferry's engine tests (Python 3 stdlib only).

It verifies every request's signature with the algorithm of protocols.md (and checks the published
vector at start-up), then answers as the service does: SQL instances that run and terminate, task
status and results, table and function existence, resource upload, and XML error bodies with the
service's codes. DDL is understood just enough to keep a per-project catalog.

    tests/servers/fake_maxcompute.py start DIR PORT   serve in the background (pid and log in DIR),
                                                       print the exports the tests read
    tests/servers/fake_maxcompute.py stop DIR PORT
    tests/servers/fake_maxcompute.py [--port 0] [--projects ferry_test,sales_prod]
                                     [--access-key-id ID] [--access-key-secret SECRET]
                                                       serve in the foreground until SIGTERM/SIGINT
"""
import argparse
import base64
import os
import signal
import socket
import subprocess
import email.utils
import hashlib
import hmac
import re
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_AK = "ferry-test-ak"
DEFAULT_SK = "ferry-test-sk"
MAX_SKEW_S = 15 * 60


def canonical(method, headers, resource, query):
    """The string to sign: METHOD, Content-MD5, Content-Type, Date, x-odps-* headers, resource."""
    lines = [method, headers.get("content-md5", ""), headers.get("content-type", ""), headers.get("date", "")]
    odps = sorted((k.lower(), v.strip()) for k, v in headers.items() if k.lower().startswith("x-odps-"))
    text = "\n".join(lines) + "\n" + "".join(f"{k}:{v}\n" for k, v in odps)
    text += resource
    if query:
        text += "?" + "&".join(k if v == "" else f"{k}={v}" for k, v in sorted(query))
    return text


def sign(secret, text):
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest()).decode()


def self_test():
    vector = ("POST\n6c2e10f17bb7385f2ac30811b5e8e46f\napplication/xml\nTue, 13 May 2014 09:51:17 GMT\n"
              "x-odps-user-agent:JavaSDK/0.12.0;Linux\n/projects/odps_test_tunnel_project/instances")
    got = sign("oRd30z7sV4hBX9aYtJgii5qnyhg=", vector)
    if got != "+2cFzBzr2v7mAlOVGgulQ+58nuQ=":
        raise SystemExit(f"fake_maxcompute: signer self-test failed: {got}")


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


NAME = r"`?[A-Za-z0-9_]+`?"
QUALIFIED = rf"({NAME}(?:\.{NAME}){{0,2}})"


def split_name(qualified, default_project):
    parts = [p.strip("`").lower() for p in qualified.split(".")]
    project = parts[0] if len(parts) > 1 else default_project
    return project, parts[-1]


class Catalog:
    def __init__(self, projects):
        self.lock = threading.Lock()
        self.projects = {p: {"tables": {}, "functions": {}, "resources": {}} for p in projects}
        self.instances = {}

    def run_sql(self, project, sql):
        """Returns None on success or the service's error text."""
        text = re.sub(r"--[^\n]*", "", sql).strip().rstrip(";").strip()
        m = re.match(rf"(?is)^CREATE\s+(?:OR\s+REPLACE\s+)?(?:EXTERNAL\s+)?TABLE\s+(IF\s+NOT\s+EXISTS\s+)?{QUALIFIED}\s*\((.*)\)", text)
        if m:
            p, t = split_name(m.group(2), project)
            if p not in self.projects:
                return f"ODPS-0110061: Failed to run ddltask - ODPS-0130131:Project not found - '{p}'"
            if "SYNTAX_ERROR" in text.upper():
                return "ODPS-0130161:[1,1] Parse exception - invalid token 'SYNTAX_ERROR'"
            tables = self.projects[p]["tables"]
            if t in tables and not m.group(1):
                return f"ODPS-0110061: Failed to run ddltask - AlreadyExistsException(message:Table or view already exists - {p}.{t})"
            tables.setdefault(t, text)
            return None
        m = re.match(rf"(?is)^DROP\s+TABLE\s+(IF\s+EXISTS\s+)?{QUALIFIED}$", text)
        if m:
            p, t = split_name(m.group(2), project)
            tables = self.projects.get(p, {}).get("tables", {})
            if t not in tables and not m.group(1):
                return f"ODPS-0130131:[1,12] Table not found - table {p}.{t} cannot be resolved"
            tables.pop(t, None)
            return None
        m = re.match(rf"(?is)^CREATE\s+FUNCTION\s+(IF\s+NOT\s+EXISTS\s+)?{QUALIFIED}\s+AS\s+'([^']+)'(?:\s+USING\s+'([^']*)')?$", text)
        if m:
            p, f = split_name(m.group(2), project)
            functions = self.projects[p]["functions"]
            if f in functions and not m.group(1):
                return f"ODPS-0130071:[1,17] Semantic analysis exception - function {f} already exists"
            for res in filter(None, (r.strip() for r in (m.group(4) or "").split(","))):
                if "/" not in res and res not in self.projects[p]["resources"]:
                    return f"ODPS-0130071:[1,1] Semantic analysis exception - resource {res} not found in project {p}"
            functions.setdefault(f, m.group(3))
            return None
        m = re.match(rf"(?is)^DROP\s+FUNCTION\s+(IF\s+EXISTS\s+)?{QUALIFIED}$", text)
        if m:
            p, f = split_name(m.group(2), project)
            functions = self.projects[p]["functions"]
            if f not in functions and not m.group(1):
                return f"ODPS-0130071:[1,15] Semantic analysis exception - function {f} not found"
            functions.pop(f, None)
            return None
        if re.match(r"(?is)^(SELECT|INSERT|SET|WITH)\b", text):
            return None
        word = text.split()[0] if text.split() else ""
        return f"ODPS-0130161:[1,1] Parse exception - invalid token '{word}'"


class Handler(BaseHTTPRequestHandler):
    server_version = "FakeMaxCompute/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the tests print what matters
        pass

    # ---- replies
    def reply(self, status, body=b"", headers=None, content_type="application/xml"):
        request_id = uuid.uuid4().hex
        self.send_response(status)
        self.send_header("x-odps-request-id", request_id)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if isinstance(body, str):
            body = body.encode()
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, code, message):
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{xml_escape(message)}</Message>'
                f"<RequestId>fake-{uuid.uuid4().hex[:16]}</RequestId><HostId>127.0.0.1</HostId></Error>")
        self.reply(status, body)

    # ---- request handling
    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urllib.parse.urlsplit(self.path)
        if not url.path.startswith("/api/"):
            return self.error(404, "NoSuchObject", f"unknown path {url.path}")
        resource = urllib.parse.unquote(url.path[len("/api"):])
        query = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in self.headers.items()}

        if "date" not in headers:
            return self.error(400, "InvalidArgument", "missing Date header")
        try:
            sent = email.utils.parsedate_to_datetime(headers["date"]).timestamp()
        except (TypeError, ValueError):
            return self.error(400, "InvalidArgument", f"unreadable Date header '{headers['date']}'")
        if abs(time.time() - sent) > MAX_SKEW_S:
            return self.error(403, "RequestTimeTooSkewed", "the difference between the request time and the server's time is too large")
        auth = headers.get("authorization", "")
        m = re.match(r"^ODPS ([^:]+):(.+)$", auth)
        if not m:
            return self.error(403, "NoPermission", "missing or malformed Authorization header")
        if m.group(1) != self.server.access_key_id:
            return self.error(403, "NoPermission", f"unknown access key id {m.group(1)}")
        text = canonical(self.command, headers, resource, query)
        if sign(self.server.access_key_secret, text) != m.group(2):
            return self.error(403, "SignatureNotMatch", f"The request signature we calculated does not match: {text!r}")
        if body and "content-md5" in headers and hashlib.md5(body).hexdigest() != headers["content-md5"]:
            return self.error(400, "InvalidArgument", "Content-MD5 does not match the body")
        self.route(resource, dict(query), headers, body)

    def route(self, resource, query, headers, body):
        cat = self.server.catalog
        parts = [p for p in resource.split("/") if p]
        if len(parts) < 2 or parts[0] != "projects":
            return self.error(404, "NoSuchObject", f"unknown resource {resource}")
        project = parts[1]
        with cat.lock:
            if project not in cat.projects:
                return self.error(404, "NoSuchObject", f"Project not found - '{project}'")
            proj = cat.projects[project]
            rest = parts[2:]
            if rest == ["instances"] and self.command == "POST":
                m = re.search(rb"<Query><!\[CDATA\[(.*)\]\]></Query>", body, re.S)
                if not m:
                    return self.error(400, "InvalidArgument", "no Query in the job")
                sql = m.group(1).replace(b"]]]]><![CDATA[>", b"]]>").decode()
                iid = time.strftime("%Y%m%d%H%M%S") + uuid.uuid4().hex[:12]
                cat.instances[iid] = {"polls": 0, "error": cat.run_sql(project, sql), "sql": sql}
                location = f"http://{self.headers.get('Host')}/api/projects/{project}/instances/{iid}"
                return self.reply(201, "", {"Location": location})
            if len(rest) == 2 and rest[0] == "instances":
                inst = cat.instances.get(rest[1])
                if not inst:
                    return self.error(404, "NoSuchObject", f"instance {rest[1]} not found")
                if self.command == "PUT":
                    return self.reply(200)
                if "taskstatus" in query:
                    status = "Failed" if inst["error"] else "Success"
                    return self.reply(200, f'<?xml version="1.0" encoding="UTF-8"?>\n<Instance><Status>Terminated</Status><Tasks>'
                                           f'<Task Type="SQL"><Name>AnonymousSQLTask</Name><Status>{status}</Status></Task></Tasks></Instance>')
                if "result" in query:
                    text = inst["error"] or ""
                    return self.reply(200, f'<?xml version="1.0" encoding="UTF-8"?>\n<Instance><Tasks><Task Type="SQL">'
                                           f'<Name>AnonymousSQLTask</Name><Result Format="text"><![CDATA[{text}]]></Result>'
                                           f"</Task></Tasks></Instance>")
                # The first poll sees it running, as a real instance would be.
                inst["polls"] += 1
                status = "Running" if inst["polls"] == 1 else "Terminated"
                return self.reply(200, f'<?xml version="1.0" encoding="UTF-8"?>\n<Instance><Status>{status}</Status></Instance>')
            if len(rest) == 2 and rest[0] == "tables" and self.command == "GET":
                name = rest[1].lower()
                if name not in proj["tables"]:
                    return self.error(404, "NoSuchObject", f"The specified table {project}.{name} does not exist")
                return self.reply(200, f'<?xml version="1.0" encoding="UTF-8"?>\n<Table><Name>{name}</Name></Table>')
            if len(rest) == 3 and rest[:2] == ["registration", "functions"] and self.command == "GET":
                name = rest[2].lower()
                if name not in proj["functions"]:
                    return self.error(404, "NoSuchObject", f"function {name} does not exist")
                return self.reply(200, f'<?xml version="1.0" encoding="UTF-8"?>\n<Function><Alias>{name}</Alias>'
                                       f"<ClassType>{xml_escape(proj['functions'][name])}</ClassType></Function>")
            if rest == ["resources"] and self.command == "POST":
                name = headers.get("x-odps-resource-name", "")
                rtype = headers.get("x-odps-resource-type", "")
                if not name or rtype not in ("file", "jar", "py", "archive"):
                    return self.error(400, "InvalidArgument", "x-odps-resource-name and x-odps-resource-type (file|jar|py|archive) are required")
                if name in proj["resources"]:
                    return self.error(409, "ObjectAlreadyExists", f"resource {name} already exists")
                proj["resources"][name] = (rtype, body)
                return self.reply(201, "", {"Location": f"/api/projects/{project}/resources/{name}"})
            if len(rest) == 2 and rest[0] == "resources":
                name = rest[1]
                if self.command == "PUT":
                    if name not in proj["resources"]:
                        return self.error(404, "NoSuchObject", f"resource {name} does not exist")
                    proj["resources"][name] = (headers.get("x-odps-resource-type", proj["resources"][name][0]), body)
                    return self.reply(200)
                if self.command in ("GET", "HEAD"):
                    if name not in proj["resources"]:
                        return self.error(404, "NoSuchObject", f"resource {name} does not exist")
                    rtype, data = proj["resources"][name]
                    return self.reply(200, data, {"x-odps-resource-type": rtype}, "application/octet-stream")
        return self.error(400, "InvalidArgument", f"{self.command} {resource} is not supported by the fake server")

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = handle_any


def exports(port, ak=DEFAULT_AK, sk=DEFAULT_SK):
    return (f"export FERRY_TEST_MC_ENDPOINT=http://127.0.0.1:{port}/api\n"
            f"export FERRY_TEST_MC_ACCESS_KEY_ID={ak}\n"
            f"export FERRY_TEST_MC_ACCESS_KEY_SECRET={sk}")


def start(directory, port):
    """The start|stop DIR PORT interface of the other server scripts (tests/run.sh uses it)."""
    os.makedirs(directory, exist_ok=True)
    pidfile = os.path.join(directory, "fake_maxcompute.pid")
    with open(os.path.join(directory, "fake_maxcompute.log"), "ab") as log:
        proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--port", str(port)],
                                stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    with open(pidfile, "w") as f:
        f.write(str(proc.pid))
    deadline = time.time() + 10
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"fake_maxcompute: the server exited with {proc.returncode}; see {directory}/fake_maxcompute.log")
        try:
            socket.create_connection(("127.0.0.1", int(port)), timeout=0.5).close()
            print(exports(port))
            return
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("fake_maxcompute: the server did not listen within 10 s")


def stop(directory):
    pidfile = os.path.join(directory, "fake_maxcompute.pid")
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
        os.kill(pid, signal.SIGTERM)
        os.remove(pidfile)
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass


def main():
    if len(sys.argv) >= 2 and sys.argv[1] in ("start", "stop"):
        if len(sys.argv) != 4:
            raise SystemExit(f"usage: {sys.argv[0]} start|stop DIR PORT")
        self_test()
        return start(sys.argv[2], sys.argv[3]) if sys.argv[1] == "start" else stop(sys.argv[2])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--projects", default="ferry_test,sales_prod")
    ap.add_argument("--access-key-id", default=DEFAULT_AK)
    ap.add_argument("--access-key-secret", default=DEFAULT_SK)
    args = ap.parse_args()
    self_test()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.catalog = Catalog([p for p in args.projects.split(",") if p])
    server.access_key_id = args.access_key_id
    server.access_key_secret = args.access_key_secret
    port = server.server_address[1]
    print(exports(port, args.access_key_id, args.access_key_secret))
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

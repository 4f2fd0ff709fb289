#!/usr/bin/env python3
"""The DataWorks double (tests/servers/fake_dataworks.py) against the published API, from outside.

Starts the double on a free loopback port and talks to it the way a client must: every request signed
with ACS3-HMAC-SHA256 by the small signer below, written from shared/reference/dataworks-openapi.md
section 4 and not from the double's code. Python 3 standard library only:

    python3 tests/servers/test_fake_dataworks.py [-v]
"""
import hashlib
import hmac
import http.client
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "fake_dataworks.py")
AK, SK = "ferry-test-ak", "ferry-test-sk"
PROJECT = 123456
UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


# ---------------------------------------------------------------- an independent signer (ref section 4)
def enc(text):
    return "".join(chr(b) if b in UNRESERVED else "%%%02X" % b for b in str(text).encode("utf-8"))


def form(params):
    return "&".join(f"{enc(k)}={enc(v)}" for k, v in params.items())


def utc(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def signed_request(host, method, action, query=None, body=b"", content_type=None, ak=AK, sk=SK,
                   version="2024-05-18", date=None, nonce=None, token=None, extra_headers=None, unsigned=(),
                   payload_hash=None):
    """Returns (path, headers): the URL path with its query and the headers, Authorization included."""
    query = query or {}
    headers = {"host": host, "x-acs-action": action, "x-acs-version": version,
               "x-acs-date": date or utc(time.time()), "x-acs-signature-nonce": nonce or uuid.uuid4().hex,
               "x-acs-content-sha256": hashlib.sha256(body).hexdigest()}
    if content_type:
        headers["content-type"] = content_type
    if token:
        headers["x-acs-security-token"] = token
    headers.update(extra_headers or {})
    signed = sorted(h for h in headers if h not in unsigned)
    cq = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(query.items()))
    canonical = "\n".join([method, "/", cq, "".join(f"{h}:{headers[h].strip()}\n" for h in signed),
                           ";".join(signed), payload_hash or headers["x-acs-content-sha256"]])
    sts = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    sig = hmac.new(sk.encode(), sts.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = f"ACS3-HMAC-SHA256 Credential={ak},SignedHeaders={';'.join(signed)},Signature={sig}"
    return "/" + ("?" + cq if cq else ""), headers


class Reply:
    def __init__(self, status, headers, text):
        self.status, self.headers, self.text = status, headers, text
        self.json = json.loads(text) if text else None


class DataWorksDoubleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        portfile = os.path.join(cls.dir.name, "port")
        cls.log = open(os.path.join(cls.dir.name, "server.log"), "wb")
        cls.proc = subprocess.Popen([sys.executable, SERVER, "--port", "0", "--port-file", portfile, "--seed", "7",
                                     "--job-seconds", "60", "--stage-seconds", "60"],
                                    stdout=cls.log, stderr=cls.log)
        deadline = time.time() + 10
        while not os.path.exists(portfile):
            if cls.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("the double did not start")
            time.sleep(0.05)
        with open(portfile) as f:
            cls.port = json.load(f)["port"]
        cls.host = f"127.0.0.1:{cls.port}"

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(10)
        cls.log.close()
        cls.dir.cleanup()

    def setUp(self):
        self.raw("POST", "/__reset", b"")

    # -- transport
    def raw(self, method, path, body=b"", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return Reply(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode())
        finally:
            conn.close()

    def control(self, *ops):
        r = self.raw("POST", "/__control", json.dumps(list(ops)).encode(), {"Content-Type": "application/json"})
        self.assertEqual(r.status, 200, r.text)

    def state(self):
        return self.raw("GET", "/__state").json

    def call(self, action, params=None, method=None, where=None, **kw):
        """Calls `action` with params placed as the API says: GET query, or POST form body."""
        params = params or {}
        method = method or ("GET" if action.startswith(("Get", "List")) else "POST")
        query, body = {}, {}
        for k, v in params.items():
            place = (where or {}).get(k) or ("query" if method == "GET" else "body")
            (query if place == "query" else body)[k] = str(v)
        data = form(body).encode() if body else b""
        path, headers = signed_request(self.host, method, action, query, data,
                                       "application/x-www-form-urlencoded" if body else None, **kw)
        return self.raw(method, path, data, headers)

    def ok(self, action, params=None, **kw):
        r = self.call(action, params, **kw)
        self.assertEqual(r.status, 200, f"{action}: {r.text}")
        return r

    def refused(self, reply, status, code):
        self.assertEqual((reply.status, reply.json["Code"]), (status, code), reply.text)
        self.assertEqual(set(reply.json), {"RequestId", "HostId", "Code", "Message"})
        return reply.json["Message"]

    def create_node(self, path="ferry/n1", name="n1", content="select 1;", **extra):
        spec = {"version": "1.1.0", "kind": "Node", "spec": {"nodes": [dict({
            "name": name, "script": {"path": path, "runtime": {"command": "ODPS_SQL"}, "content": content}}, **extra)]}}
        return self.ok("CreateNode", {"ProjectId": PROJECT, "Scene": "DATAWORKS_PROJECT", "Spec": json.dumps(spec)})

    # ---------------------------------------------------------------- signing
    def test_the_double_passes_its_own_vectors(self):
        self.assertEqual(subprocess.run([sys.executable, SERVER, "--self-test"], capture_output=True).returncode, 0)

    def test_a_correct_call_works(self):
        r = self.ok("ListNodes", {"ProjectId": PROJECT, "Name": "日报 a*b~c/d+e", "PageSize": 50})
        self.assertEqual(r.json["PagingInfo"]["TotalCount"], "0")
        self.assertIn("RequestId", r.json)

    def test_authentication_refusals(self):
        path, headers = signed_request(self.host, "GET", "ListNodes", {"ProjectId": PROJECT})
        headers["Authorization"] = headers["Authorization"][:-4] + "0000"
        msg = self.refused(self.raw("GET", path, b"", headers), 400, "SignatureDoesNotMatch")
        self.assertRegex(msg, r"^Specified signature does not match our calculation\. "
                              r"server StringToSign is \[ACS3-HMAC-SHA256 [0-9a-f]{64}\]$")
        # The body is not what x-acs-content-sha256 says.
        data = form({"ProjectId": PROJECT, "Scene": "DATAWORKS_PROJECT", "Spec": "{}"}).encode()
        path, headers = signed_request(self.host, "POST", "CreateNode", {}, data, "application/x-www-form-urlencoded")
        self.refused(self.raw("POST", path, data + b"x", headers), 400, "SignatureDoesNotMatch")
        # Signed over the body's true hash, but x-acs-content-sha256 says something else.
        path, headers = signed_request(self.host, "POST", "CreateNode", {}, data, "application/x-www-form-urlencoded",
                                       extra_headers={"x-acs-content-sha256": "0" * 64},
                                       payload_hash=hashlib.sha256(data).hexdigest())
        self.refused(self.raw("POST", path, data, headers), 400, "SignatureDoesNotMatch")
        # A query parameter added after signing.
        path, headers = signed_request(self.host, "GET", "ListNodes", {"ProjectId": PROJECT})
        self.refused(self.raw("GET", path + "&Name=x", b"", headers), 400, "SignatureDoesNotMatch")

        self.refused(self.call("ListNodes", {"ProjectId": PROJECT}, date=utc(time.time() - 16 * 60)),
                     400, "InvalidTimeStamp.Expired")
        self.refused(self.call("ListNodes", {"ProjectId": PROJECT}, date=utc(time.time() + 16 * 60)),
                     400, "InvalidTimeStamp.Expired")
        self.ok("ListNodes", {"ProjectId": PROJECT}, date=utc(time.time() - 14 * 60))
        self.refused(self.call("ListNodes", {"ProjectId": PROJECT}, date="2025-01-02 03:04:05"),
                     400, "InvalidTimeStamp.Format")
        self.refused(self.call("ListNodes", {"ProjectId": PROJECT}, ak="nobody", sk="x"),
                     404, "InvalidAccessKeyId.NotFound")
        self.refused(self.call("ListNodes", {"ProjectId": PROJECT}, unsigned=("x-acs-signature-nonce",)),
                     400, "IncompleteSignature")
        self.refused(self.call("ListNodes", {"ProjectId": PROJECT}, extra_headers={"x-acs-extra": "1"},
                               unsigned=("x-acs-extra",)), 400, "IncompleteSignature")
        path, headers = signed_request(self.host, "GET", "ListNodes", {"ProjectId": PROJECT})
        del headers["Authorization"]
        self.refused(self.raw("GET", path, b"", headers), 400, "IncompleteSignature")
        path, headers = signed_request(self.host, "GET", "ListNodes", {"ProjectId": PROJECT})
        headers["Authorization"] = headers["Authorization"].replace(",", ", ")
        self.refused(self.raw("GET", path, b"", headers), 400, "IncompleteSignature")
        headers["Authorization"] = headers["Authorization"].replace(", ", ",").replace("ACS3-HMAC-SHA256",
                                                                                       "ACS3-HMAC-SM3")
        self.refused(self.raw("GET", path, b"", headers), 400, "InvalidSignatureMethod")

    def test_a_reused_nonce_is_refused(self):
        nonce = uuid.uuid4().hex
        self.ok("ListNodes", {"ProjectId": PROJECT}, nonce=nonce)
        self.refused(self.call("ListNodes", {"ProjectId": PROJECT}, nonce=nonce), 400, "SignatureNonceUsed")

    def test_sts_identity(self):
        sts = dict(ak="STS.ferry-test-ak", sk="ferry-test-sts-sk")
        self.ok("ListNodes", {"ProjectId": PROJECT}, token="ferry-test-sts-token", **sts)
        self.refused(self.call("ListNodes", {"ProjectId": PROJECT}, **sts), 400,
                     "InvalidSecurityToken.MismatchWithAccessKey")

    def test_unknown_action_version_or_method(self):
        self.refused(self.call("CreateEverything", {"ProjectId": PROJECT}), 404, "InvalidAction.NotFound")
        self.refused(self.call("ListNodes", {"ProjectId": PROJECT}, version="2020-05-18"), 404, "InvalidAction.NotFound")
        self.refused(self.call("ListNodes", {"ProjectId": PROJECT}, method="POST"), 404, "InvalidAction.NotFound")

    def test_parameters_count_only_where_the_api_puts_them(self):
        spec = json.dumps({"spec": {"nodes": [{"name": "n", "script": {"path": "a/n"}}]}})
        msg = self.refused(self.call("CreateNode", {"ProjectId": PROJECT, "Scene": "DATAWORKS_PROJECT", "Spec": spec},
                                     where={"ProjectId": "query"}), 400, "MissingProjectId")
        self.assertEqual(msg, "ProjectId is mandatory for this action.")
        self.refused(self.call("CreateNode", {"ProjectId": PROJECT, "Spec": spec}), 400, "MissingScene")
        # CreateDataSource takes everything in the query, with an empty body.
        ds = {"ProjectId": PROJECT, "Name": "mysql_src", "Type": "mysql", "ConnectionPropertiesMode": "UrlMode",
              "ConnectionProperties": json.dumps({"envType": "Dev", "url": "jdbc:mysql://h/db"})}
        self.refused(self.call("CreateDataSource", ds), 400, "MissingProjectId")
        r = self.ok("CreateDataSource", ds, where={k: "query" for k in ds})
        self.assertIsInstance(r.json["Id"], int)
        self.assertIn("already exists", self.refused(self.call("CreateDataSource", ds, where={k: "query" for k in ds}),
                                                     400, "Invalid.Param"))
        listed = self.ok("ListDataSources", {"ProjectId": PROJECT}).json["PagingInfo"]
        self.assertEqual([g["Name"] for g in listed["DataSources"]], ["mysql_src"])
        self.assertEqual(listed["DataSources"][0]["DataSource"][0]["ConnectionProperties"]["envType"], "Dev")

    def test_unknown_project(self):
        msg = self.refused(self.call("ListNodes", {"ProjectId": 999999}), 403, "Forbidden.Access")
        self.assertIn("999999", msg)

    # ---------------------------------------------------------------- nodes
    def test_create_get_node_round_trip(self):
        r = self.create_node()
        self.assertRegex(r.text, r'"Id": \d{19}[,}]')  # a bare JSON number, not text
        node_id = r.json["Id"]
        self.assertIsInstance(node_id, int)
        self.assertGreater(node_id, 2 ** 53)
        self.assertNotEqual(int(float(node_id)), node_id, "a double cannot hold the id")
        got = self.ok("GetNode", {"Id": node_id, "ProjectId": PROJECT}).json["Node"]
        self.assertEqual(got["Id"], node_id)
        self.assertEqual((got["Name"], got["ProjectId"]), ("n1", PROJECT))
        self.assertNotIn("TaskId", got)
        spec = json.loads(got["Spec"])
        node = spec["spec"]["nodes"][0]
        self.assertEqual(node["id"], str(node_id))
        self.assertEqual(node["script"]["content"], "select 1;")
        self.assertEqual(node["script"]["path"], "ferry/n1")
        self.assertRegex(node["script"]["id"], r"^\d{19}$")
        self.assertRegex(node["trigger"]["id"], r"^\d{19}$")
        self.assertEqual(spec["metadata"]["uuid"], str(node_id))
        self.assertEqual(list(spec), sorted(spec), "the server sorts keys")
        # The same path again is refused.
        dup = self.call("CreateNode", {"ProjectId": PROJECT, "Scene": "DATAWORKS_PROJECT", "Spec": json.dumps(
            {"spec": {"nodes": [{"name": "other", "script": {"path": "ferry/n1"}}]}})})
        self.assertEqual(self.refused(dup, 400, "Invalid.Param"), "target folder already exists: ferry/n1")
        # An incremental update keeps what it does not name and moves ModifyTime.
        self.ok("UpdateNode", {"Id": node_id, "ProjectId": PROJECT, "Spec": json.dumps(
            {"spec": {"nodes": [{"description": "d", "script": {"content": "select 2;"}}]}})})
        again = self.ok("GetNode", {"Id": node_id}).json["Node"]
        node2 = json.loads(again["Spec"])["spec"]["nodes"][0]
        self.assertEqual((node2["description"], node2["script"]["content"]), ("d", "select 2;"))
        self.assertEqual(node2["script"]["runtime"]["command"], "ODPS_SQL")
        self.assertGreater(again["ModifyTime"], got["ModifyTime"])
        listed = self.ok("ListNodes", {"ProjectId": PROJECT, "Name": "N1"}).json["PagingInfo"]
        self.assertEqual((listed["TotalCount"], listed["Nodes"][0]["Id"]), ("1", node_id))
        self.assertEqual(listed["Nodes"][0]["Script"]["Path"], "ferry/n1")
        # Not found: the configured answer (Invalid.Param by default).
        self.refused(self.call("GetNode", {"Id": "1000000000000000001"}), 400, "Invalid.Param")
        self.ok("DeleteNode", {"Id": node_id, "ProjectId": PROJECT})
        self.assertEqual(self.state()["projects"][str(PROJECT)]["nodes"], [])

    def test_move_and_rename(self):
        node_id = self.create_node().json["Id"]
        self.create_node(path="other/n1")
        self.ok("MoveNode", {"Id": node_id, "ProjectId": PROJECT, "Path": "moved"})  # Path: the folder
        self.ok("RenameNode", {"Id": node_id, "ProjectId": PROJECT, "Name": "n2"})
        node = json.loads(self.ok("GetNode", {"Id": node_id}).json["Node"]["Spec"])["spec"]["nodes"][0]
        self.assertEqual((node["name"], node["script"]["path"]), ("n2", "moved/n2"))
        self.ok("RenameNode", {"Id": node_id, "ProjectId": PROJECT, "Name": "n1"})
        msg = self.refused(self.call("MoveNode", {"Id": node_id, "ProjectId": PROJECT, "Path": "other"}), 400,
                           "Invalid.Param")
        self.assertEqual(msg, "target folder already exists: other/n1")

    def test_console_edit(self):
        node_id = self.create_node().json["Id"]
        before = self.ok("GetNode", {"Id": node_id}).json["Node"]
        self.control({"op": "edit", "id": str(node_id), "merge": True,
                      "spec": {"spec": {"nodes": [{"script": {"content": "select 'edited';"}}]}}})
        after = self.ok("GetNode", {"Id": node_id}).json["Node"]
        self.assertGreater(after["ModifyTime"], before["ModifyTime"])
        self.assertIn("edited", after["Spec"])
        self.assertEqual(self.state()["projects"][str(PROJECT)]["nodes"][0]["version"], 2)

    # ---------------------------------------------------------------- workflows
    def workflow_spec(self, wf_id=None, nodes=("a", "b")):
        wf = {"name": "wf", "script": {"path": "ferry/wf", "runtime": {"command": "WORKFLOW"}},
              "nodes": [{"name": n, "script": {"runtime": {"command": "ODPS_SQL"}, "content": f"select '{n}';"}}
                        for n in nodes]}
        if wf_id:
            wf["id"] = wf_id
        return json.dumps({"version": "1.1.0", "kind": "CycleWorkflow", "spec": {"workflows": [wf]}})

    def import_workflow(self, **kw):
        job = self.ok("ImportWorkflowDefinition", {"ProjectId": PROJECT, "Spec": self.workflow_spec(**kw)}).json
        job = job["AsyncJob"]
        self.assertEqual((job["Status"], job["Completed"], job["Type"]), ("Running", False, "Create"))
        self.assertRegex(job["Response"], r"^\d{19}$")
        first = self.ok("GetJobStatus", {"JobId": job["Id"]}).json["JobStatus"]
        self.assertEqual((first["Status"], first["Completed"]), ("Running", "False"))
        done = self.ok("GetJobStatus", {"JobId": job["Id"]}).json["JobStatus"]
        self.assertEqual((done["Status"], done["Completed"], done["Error"]), ("Success", "True", None))
        return job["Response"]

    def test_import_workflow_definition(self):
        wf_id = self.import_workflow()
        got = self.ok("GetWorkflowDefinition", {"Id": wf_id, "ProjectId": PROJECT,
                                                "IncludeScriptContent": "true"}).json["WorkflowDefinition"]
        self.assertEqual(str(got["Id"]), wf_id)
        spec = json.loads(got["Spec"])
        self.assertEqual(spec["spec"]["id"], wf_id)
        self.assertEqual([n["script"]["path"] for n in spec["spec"]["workflows"][0]["nodes"]],
                         ["ferry/wf/a", "ferry/wf/b"])
        self.assertEqual(spec["spec"]["workflows"][0]["nodes"][0]["script"]["content"], "select 'a';")
        inner = self.ok("ListNodes", {"ProjectId": PROJECT, "ContainerId": wf_id}).json["PagingInfo"]
        self.assertEqual(inner["TotalCount"], "2")
        a_id = str(inner["Nodes"][0]["Id"])
        listed = self.ok("ListWorkflowDefinitions", {"ProjectId": PROJECT}).json["PagingInfo"]
        self.assertEqual([w["Id"] for w in listed["WorkflowDefinitions"]], [wf_id])
        # An existing id makes the import an update: same workflow, node a kept, b gone, c new.
        spec2 = json.loads(self.workflow_spec(wf_id=wf_id, nodes=("a", "c")))
        spec2["spec"]["workflows"][0]["nodes"][0]["id"] = a_id
        job = self.ok("ImportWorkflowDefinition", {"ProjectId": PROJECT, "Spec": json.dumps(spec2)}).json["AsyncJob"]
        self.assertEqual(job["Response"], wf_id)
        for _ in range(2):
            status = self.ok("GetJobStatus", {"JobId": job["Id"]}).json["JobStatus"]
        self.assertEqual(status["Status"], "Success")
        inner = self.ok("ListNodes", {"ProjectId": PROJECT, "ContainerId": wf_id}).json["PagingInfo"]["Nodes"]
        self.assertEqual(sorted(n["Name"] for n in inner), ["a", "c"])
        self.assertIn(a_id, [str(n["Id"]) for n in inner])
        # A second workflow at the same path: the job fails with the documented wording.
        job = self.ok("ImportWorkflowDefinition", {"ProjectId": PROJECT, "Spec": self.workflow_spec()}).json["AsyncJob"]
        for _ in range(2):
            status = self.ok("GetJobStatus", {"JobId": job["Id"]}).json["JobStatus"]
        self.assertEqual((status["Status"], status["Error"]), ("Fail", "target folder already exists: ferry/wf"))

    # ---------------------------------------------------------------- deploying
    def test_pipeline_stages_run_in_order(self):
        wf_id = self.import_workflow()
        run_id = self.ok("CreatePipelineRun", {"ProjectId": PROJECT, "Type": "Online",
                                               "ObjectIds": json.dumps([wf_id])}).json["Id"]

        def stages():
            p = self.ok("GetPipelineRun", {"Id": run_id, "ProjectId": PROJECT}).json["Pipeline"]
            return p["Status"], [(s["Code"], s["Status"]) for s in p["Stages"]]

        exec_stage = dict(where={"ProjectId": "query"})
        self.assertEqual(stages(), ("Running", [("BUILD_PACKAGE", "Success"), ("PROD_CHECK", "Init"), ("PROD", "Init")]))
        self.refused(self.call("ExecPipelineRunStage", {"ProjectId": PROJECT, "Id": run_id, "Code": "PROD"},
                               **exec_stage), 400, "Invalid.Param")  # skipped
        self.refused(self.call("ExecPipelineRunStage", {"ProjectId": PROJECT, "Id": run_id, "Code": "PROD_CHECK"}),
                     400, "MissingProjectId")  # ProjectId goes in the query
        self.ok("ExecPipelineRunStage", {"ProjectId": PROJECT, "Id": run_id, "Code": "PROD_CHECK"}, **exec_stage)
        self.refused(self.call("ExecPipelineRunStage", {"ProjectId": PROJECT, "Id": run_id, "Code": "PROD_CHECK"},
                               **exec_stage), 400, "Invalid.Param")  # repeated
        self.assertEqual(stages()[1][1], ("PROD_CHECK", "Success"))
        self.ok("ExecPipelineRunStage", {"ProjectId": PROJECT, "Id": run_id, "Code": "PROD"}, **exec_stage)
        self.assertEqual(stages(), ("Success", [("BUILD_PACKAGE", "Success"), ("PROD_CHECK", "Success"),
                                                ("PROD", "Success")]))
        wf = self.ok("GetWorkflowDefinition", {"Id": wf_id}).json["WorkflowDefinition"]
        self.assertIsInstance(wf["WorkflowId"], int)
        inner = self.ok("ListNodes", {"ProjectId": PROJECT, "ContainerId": wf_id}).json["PagingInfo"]["Nodes"]
        self.assertTrue(all(isinstance(n.get("TaskId"), int) for n in inner))
        items = self.ok("ListPipelineRunItems", {"ProjectId": PROJECT, "PipelineRunId": run_id}).json["PagingInfo"]
        self.assertEqual([i["Type"] for i in items["PipelineRunItems"]], ["WorkflowDefinition", "Node", "Node"])
        self.refused(self.call("DeleteWorkflowDefinition", {"Id": wf_id, "ProjectId": PROJECT}), 400, "Invalid.Param")
        self.refused(self.call("DeleteNode", {"Id": inner[0]["Id"], "ProjectId": PROJECT}), 400, "Invalid.Param")

    def test_a_failing_stage(self):
        node_id = self.create_node().json["Id"]
        self.control({"op": "fail_stage", "code": "PROD_CHECK", "message": "checker: select * refused"})
        run_id = self.ok("CreatePipelineRun", {"ProjectId": PROJECT, "Type": "Online",
                                               "ObjectIds": json.dumps([str(node_id)])}).json["Id"]
        self.ok("GetPipelineRun", {"Id": run_id, "ProjectId": PROJECT})
        self.ok("ExecPipelineRunStage", {"ProjectId": PROJECT, "Id": run_id, "Code": "PROD_CHECK"},
                where={"ProjectId": "query"})
        p = self.ok("GetPipelineRun", {"Id": run_id, "ProjectId": PROJECT}).json["Pipeline"]
        self.assertEqual((p["Status"], p["Stages"][1]["Status"], p["Stages"][1]["Message"]),
                         ("Fail", "Fail", "checker: select * refused"))
        self.assertNotIn("TaskId", self.ok("GetNode", {"Id": node_id}).json["Node"])

    # ---------------------------------------------------------------- faults
    def test_throttling(self):
        self.control({"op": "throttle", "action": "ListNodes", "count": 2, "time_left_ms": 1500})
        for _ in range(2):
            r = self.call("ListNodes", {"ProjectId": PROJECT})
            self.refused(r, 429, "Throttling.User")
            self.assertRegex(r.headers["x-ratelimit-user-api"], r"^Limit:10,Remain:0,TimeLeft:1500,Reset:\d{13}$")
        self.ok("ListNodes", {"ProjectId": PROJECT})
        self.control({"op": "fail", "action": "ListNodes"})
        self.refused(self.call("ListNodes", {"ProjectId": PROJECT}), 500, "InternalError.System")
        self.ok("ListNodes", {"ProjectId": PROJECT})

    def test_a_lost_reply_still_acted(self):
        self.control({"op": "lose_reply", "action": "CreateNode"})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.create_node()
        nodes = self.ok("ListNodes", {"ProjectId": PROJECT}).json["PagingInfo"]["Nodes"]
        self.assertEqual([n["Script"]["Path"] for n in nodes], ["ferry/n1"])
        state = self.state()
        self.assertEqual(state["succeeded"]["CreateNode"], 1)
        self.assertEqual(state["log"][0]["fault"], "lose_reply")

    def test_a_dropped_connection_did_not_act(self):
        self.control({"op": "drop", "action": "CreateNode"})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.create_node()
        self.assertEqual(self.state()["projects"][str(PROJECT)]["nodes"], [])
        self.create_node()

    # ---------------------------------------------------------------- resources
    def test_resource_file_is_downloaded(self):
        payload = b"print('hello')\n" * 1000

        class Files(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        files = http.server.HTTPServer(("127.0.0.1", 0), Files)
        threading.Thread(target=files.serve_forever, daemon=True).start()
        try:
            spec = json.dumps({"version": "1.1.0", "kind": "Resource", "spec": {"fileResources": [{
                "name": "hello.py", "type": "python", "script": {"path": "ferry/hello.py",
                                                                 "runtime": {"command": "ODPS_PYTHON"}}}]}})
            url = f"http://127.0.0.1:{files.server_address[1]}/testbucket/hello.py?Signature=x"
            r = self.ok("CreateResource", {"ProjectId": PROJECT, "Spec": spec, "ResourceFile": url})
            self.assertIsInstance(r.json["Id"], str)
            res = self.state()["projects"][str(PROJECT)]["resources"][0]
            self.assertEqual(res["file"]["sha256"], hashlib.sha256(payload).hexdigest())
            self.assertEqual(res["file"]["size"], len(payload))
            self.refused(self.call("CreateResource", {"ProjectId": PROJECT, "Spec": spec.replace("ferry/", "x/"),
                                                      "ResourceFile": "print(1)"}), 400, "Invalid.Param")
        finally:
            files.shutdown()
            files.server_close()


if __name__ == "__main__":
    unittest.main()

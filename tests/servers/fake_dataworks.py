#!/usr/bin/env python3
"""A loopback stand-in for the DataWorks OpenAPI 2024-05-18, for ferry's DataWorks destination tests.

Python 3 standard library only. Every fact it follows is in shared/reference/dataworks-openapi.md
("ref" below; section numbers are that page's) and product-facts.md section 4 (FlowSpec):

- Transport (ref 1): RPC style, path `/`, version `2024-05-18`, JSON answers with `RequestId`; errors are
  `{"RequestId","HostId","Code","Message"}` with the statuses of ref 3.
- Signing (ref 2, 4): ACS3-HMAC-SHA256 rebuilt from the request as sent: method, `/`, the canonical
  query string of the URL's query, the headers named in `SignedHeaders`, hex SHA-256 of the body (which
  must equal `x-acs-content-sha256`). `host` and every `x-acs-*` header sent must be signed. Checked in
  this order, each with ref 3's code: Authorization present and well formed (IncompleteSignature 400,
  another ACS3 algorithm InvalidSignatureMethod 400), required headers signed (IncompleteSignature),
  AccessKey id known (InvalidAccessKeyId.NotFound 404), STS token (when the identity has one),
  x-acs-date well formed and within 15 minutes (InvalidTimeStamp.Format / .Expired 400), the signature
  and body hash (SignatureDoesNotMatch 400, "server StringToSign is [...]"), the nonce unused
  (SignatureNonceUsed 400), then version, action and method (InvalidAction.NotFound 404).
  `--self-test` checks this code against the vectors of ref 4.1, 4.2 and the ListNodes query vector.
- Parameter placement (ref 1, 5; the Go SDK's `<Action>WithOptions` at 846decbe): form body for the
  POSTs of nodes, workflows, resources, functions and CreatePipelineRun/AbolishPipelineRun; query for
  Get*/List*/GetJobStatus/GetDataSource/DeleteDataSource (GET); query with an empty body for
  CreateDataSource/UpdateDataSource (POST); ExecPipelineRunStage ProjectId in the query, Id and Code in
  the body. A parameter anywhere else is as if absent: `Missing<Name>` 400 "<Name> is mandatory for this
  action.". The method is the SDK's; another method is InvalidAction.NotFound ("...url and method.").
- Calls and state (ref 5, 6): per workspace (ProjectId, `--project`), nodes, workflow definitions,
  resources, functions, data sources, pipeline runs and async jobs, with the shapes of the SDK's models.
  Stored Specs are rewritten as observed live (ref 6): ids filled in (`spec.id` of a workflow,
  `<object>.id`, `script.id`, `trigger.id`), defaults and a default node output added, `metadata.owner`
  and `metadata.uuid` added, keys sorted; Get never echoes the text sent. Ids are 19-digit numbers,
  always odd so that no id survives a trip through a double; by default (`--id-style live`) node ids and
  GetWorkflowDefinition's Id are JSON numbers (as observed live), the other ids strings (as the SDK
  types them). CreateTime/ModifyTime in ms; ModifyTime strictly grows on every change.
- Paths (ref 7, ImportWorkflowDefinition's documented Error): a second object at a script path is
  refused, 400 Invalid.Param "target folder already exists: <path>" (an import job fails with that
  Error). Nodes and workflows share one tree per workspace; resources and functions have their own.
- Deploying (ref 5 "Deploying", 6): CreatePipelineRun makes a run of stages; Online (default stages
  BUILD_PACKAGE Build, PROD_CHECK Check, PROD Deploy, as observed live) or Offline (BUILD_PACKAGE Build,
  PROD Offline: undocumented, chosen here). The Build stage runs by itself; every later stage needs
  ExecPipelineRunStage, in order, each once. A stage triggered is Running; it succeeds after
  `--stage-polls` GetPipelineRun calls or `--stage-seconds`. When the last succeeds the first object
  and its children (a workflow's nodes) are deployed (Online: TaskId/WorkflowId set) or undeployed.
  A deployed node or workflow cannot be deleted (ref 5 DeleteNode).
- Async jobs (ref 5 ImportWorkflowDefinition/GetJobStatus, 6): ImportWorkflowDefinition answers an
  AsyncJob Running with the workflow id in Response at once; the job completes after `--job-polls`
  GetJobStatus calls or `--job-seconds`, creating or updating the workflow and its inner nodes then.

Decisions where the reference is silent (each said again where it is made):
- Not found (ref 7: undocumented): by default 400 `Invalid.Param` "<kind> <id> does not exist";
  `--not-found-style notfound` answers 404 `<Kind>.NotFound`; `opaque` answers 400 with a numeric Code
  and a Chinese message, as a user reported for GetNode (aliyun/alibabacloud-python-sdk issue 37).
- Unknown ProjectId: 403 `Forbidden.Access` naming the workspace (ref 3 lists the code for DataWorks).
- ResourceFile: an http(s) download link (ref 5: "a file stream or an OSS download link"; nothing
  multipart reaches DataWorks). The double downloads it and records its SHA-256 and size; a link it
  cannot read is 400 Invalid.Param. Without ResourceFile a resource has no content.
- CreateNode/CreateResource/CreateFunction ignore an id in the Spec and assign a new one (ref 7 allows it).
- UpdateNode/UpdateWorkflowDefinition/UpdateResource/UpdateFunction merge objects key by key (lists
  replaced whole); name and path change only through RenameNode/MoveNode (MoveNode's Path is the folder
  the node moves into). An import that updates a
  workflow replaces it: inner nodes missing from the Spec are deleted.
- ListNodes without ContainerId lists every node, inner nodes included; ListWorkflowDefinitions lists
  CycleWorkflow definitions unless Type says otherwise (ref 5).
- Query and form values are decoded with `+` as a space (the Go SDK's form encoder writes `+`); a
  literal plus arrives as %2B from any RFC 3986 encoder.

Tests control it through endpoints that are not part of the API and need no signature:
    POST /__control   a JSON object or a list of them, each an "op" (see Control.apply below)
    GET  /__state     everything as JSON: objects with their stored Specs, deploy state, jobs, runs,
                      request counts per action, a request log, pending faults, signature failures
    POST /__reset     forget everything (configuration returns to the command line's)

Run:
    tests/servers/fake_dataworks.py start DIR PORT [server options]   serve in the background (pid,
                                        port and log in DIR), print the `export` lines the tests read
    tests/servers/fake_dataworks.py stop DIR PORT
    tests/servers/fake_dataworks.py --self-test                         the signing vectors
    tests/servers/fake_dataworks.py [--port 0] [--port-file F] [--project 123456 ...]
        [--access-key-id ID] [--access-key-secret SK] [--security-token T] ...   in the foreground
"""

import argparse
import calendar
import copy
import hashlib
import hmac
import json
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_VERSION = "2024-05-18"
ALGORITHM = "ACS3-HMAC-SHA256"
DEFAULT_AK = "ferry-test-ak"
DEFAULT_SK = "ferry-test-sk"
# A second, STS identity, as tests/servers/http_server.py has.
STS_AK, STS_SK, STS_TOKEN = "STS.ferry-test-ak", "ferry-test-sts-sk", "ferry-test-sts-token"
DEFAULT_PROJECTS = [123456, 654321]
DEFAULT_OWNER = "1107550004253538"
MAX_SKEW_S = 15 * 60
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
REQUIRED_SIGNED = ("host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce",
                   "x-acs-version")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$")
AUTH_RE = re.compile(r"^(\S+) Credential=([^,\s]+),SignedHeaders=([^,\s]+),Signature=([^,\s]+)$")


# ---------------------------------------------------------------- ACS3-HMAC-SHA256 (ref 4)
def percent_encode(text):
    """RFC 3986, once: keep A-Za-z0-9-_.~ (space %20, `*` %2A, `/` %2F)."""
    return urllib.parse.quote(text, safe="-_.~")


def canonical_query(pairs):
    """Decoded (name, value) pairs -> `name=value&...`, encoded and sorted by name; no value gives `name=`."""
    return "&".join(f"{percent_encode(n)}={percent_encode(v)}" for n, v in sorted(pairs))


def canonical_headers(headers, signed):
    """headers: lower-case name -> list of values. Repeated headers: values trimmed, sorted, joined by `,`."""
    return "".join(f"{name}:{','.join(sorted(v.strip() for v in headers[name]))}\n" for name in signed)


def canonical_request(method, uri, query_pairs, headers, signed, payload_hash):
    return "\n".join([method, uri, canonical_query(query_pairs), canonical_headers(headers, signed),
                      ";".join(signed), payload_hash])


def string_to_sign(canonical):
    return ALGORITHM + "\n" + hashlib.sha256(canonical.encode()).hexdigest()


def signature(secret, text):
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def self_test(verbose=True):
    """The vectors of ref 4.1 (RunInstances), 4.2 (CreateNode) and the ListNodes query vector."""
    failures = []

    def check(name, got, want):
        if got != want:
            failures.append(f"{name}: got {got!r}, want {want!r}")

    def headers_of(host, action, version, sha, date, nonce, content_type=None):
        h = {"host": [host], "x-acs-action": [action], "x-acs-version": [version],
             "x-acs-content-sha256": [sha], "x-acs-date": [date], "x-acs-signature-nonce": [nonce]}
        if content_type:
            h["content-type"] = [content_type]
        return h

    # 4.1
    h = headers_of("ecs.cn-shanghai.aliyuncs.com", "RunInstances", "2014-05-26", EMPTY_SHA256,
                   "2023-10-26T10:22:32Z", "3156853299f313e23d1673dc12e1703d")
    query = urllib.parse.parse_qsl("ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
                                   keep_blank_values=True)
    cr = canonical_request("POST", "/", query, h, sorted(h), EMPTY_SHA256)
    check("4.1 canonical request hash", hashlib.sha256(cr.encode()).hexdigest(),
          "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259")
    check("4.1 signature", signature("YourAccessKeySecret", string_to_sign(cr)),
          "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0")

    # 4.2: the form body's encoding, its hash, the canonical request and the signature
    spec = ('{"version":"1.1.0","kind":"Node","spec":{"nodes":[{"name":"n1","script":{"path":"ferry/n1",'
            '"runtime":{"command":"ODPS_SQL"},"content":"select 1;"}}]}}')
    body = "&".join(f"{n}={percent_encode(v)}" for n, v in
                    [("ProjectId", "123456"), ("Scene", "DATAWORKS_PROJECT"), ("Spec", spec)])
    check("4.2 body", body, "ProjectId=123456&Scene=DATAWORKS_PROJECT&Spec=%7B%22version%22%3A%221.1.0%22%2C%22kind"
          "%22%3A%22Node%22%2C%22spec%22%3A%7B%22nodes%22%3A%5B%7B%22name%22%3A%22n1%22%2C%22script%22%3A%7B%22path"
          "%22%3A%22ferry%2Fn1%22%2C%22runtime%22%3A%7B%22command%22%3A%22ODPS_SQL%22%7D%2C%22content%22%3A%22selec"
          "t%201%3B%22%7D%7D%5D%7D%7D")
    check("4.2 body decodes", dict(urllib.parse.parse_qsl(body)).get("Spec"), spec)
    sha = hashlib.sha256(body.encode()).hexdigest()
    check("4.2 body hash", sha, "e918c4fef05845ca4799d1780375d07a4a199313066a993eaf138eeed1f5a097")
    h = headers_of("dataworks.cn-shanghai.aliyuncs.com", "CreateNode", API_VERSION, sha, "2025-01-02T03:04:05Z",
                   "6b8f0e2c1d4a4f5e9a7b3c2d1e0f9a8b", "application/x-www-form-urlencoded")
    cr = canonical_request("POST", "/", [], h, sorted(h), sha)
    check("4.2 canonical request hash", hashlib.sha256(cr.encode()).hexdigest(),
          "ccb6852a5321886d2aac202f0d10a0435626b45c1e9149ab454926e62f499b6e")
    check("4.2 string to sign", string_to_sign(cr),
          "ACS3-HMAC-SHA256\nccb6852a5321886d2aac202f0d10a0435626b45c1e9149ab454926e62f499b6e")
    check("4.2 signature", signature("YourAccessKeySecret", string_to_sign(cr)),
          "2932ae2a1c125832394ba0445907d36a8e0bddc6ea0e62c38aa9246cc991ca24")

    # ListNodes: RFC 3986 encoding of the query, sorted, an empty value kept as `Scene=`
    query = [("ProjectId", "123456"), ("Name", "日报 a*b~c/d+e"), ("PageSize", "50"), ("PageNumber", "1"), ("Scene", "")]
    check("ListNodes query", canonical_query(query),
          "Name=%E6%97%A5%E6%8A%A5%20a%2Ab~c%2Fd%2Be&PageNumber=1&PageSize=50&ProjectId=123456&Scene=")
    # The server decodes what a client sent: the encoded query must come back to the same pairs.
    check("ListNodes query decodes", sorted(urllib.parse.parse_qsl(canonical_query(query), keep_blank_values=True)),
          sorted(query))
    h = headers_of("dataworks.cn-shanghai.aliyuncs.com", "ListNodes", API_VERSION, EMPTY_SHA256,
                   "2025-01-02T03:04:05Z", "0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    cr = canonical_request("GET", "/", query, h, sorted(h), EMPTY_SHA256)
    check("ListNodes canonical request hash", hashlib.sha256(cr.encode()).hexdigest(),
          "76ee1c5c9aa40dca026cb4c9fc5a550c92b88bd0eb54b1da160ab8706b62eb84")
    check("ListNodes signature", signature("YourAccessKeySecret", string_to_sign(cr)),
          "276d0af70ca0e301b11364bc3868fa0b0b80d3df42e2111acc187ea3fb57dad8")
    for f in failures:
        print("FAIL", f, file=sys.stderr)
    if verbose or failures:
        print(f"fake_dataworks self-test: {len(failures)} failure(s)", file=sys.stderr if failures else sys.stdout)
    return 1 if failures else 0


# ---------------------------------------------------------------- the API's table (ref 1, 5; SDK)
Q, B = "query", "body"


def _all(place, names):
    return {n: place for n in names}


# action -> (method, {parameter: where it travels}, required parameters in the order they are checked)
ACTIONS = {
    "CreateNode": ("POST", _all(B, ["ProjectId", "Scene", "ContainerId", "Spec"]), ["ProjectId", "Scene", "Spec"]),
    "UpdateNode": ("POST", _all(B, ["Id", "ProjectId", "Spec"]), ["Id", "ProjectId", "Spec"]),
    "GetNode": ("GET", _all(Q, ["Id", "ProjectId"]), ["Id"]),
    "ListNodes": ("GET", _all(Q, ["ProjectId", "PageNumber", "PageSize", "Name", "ContainerId", "Scene",
                                  "Recurrence", "RerunMode"]), ["ProjectId"]),
    "DeleteNode": ("POST", _all(B, ["Id", "ProjectId"]), ["Id", "ProjectId"]),
    "MoveNode": ("POST", _all(B, ["Id", "Path", "ProjectId"]), ["Id", "Path", "ProjectId"]),
    "RenameNode": ("POST", _all(B, ["Id", "Name", "ProjectId"]), ["Id", "Name", "ProjectId"]),
    "CreateWorkflowDefinition": ("POST", _all(B, ["ProjectId", "Spec"]), ["ProjectId", "Spec"]),
    "UpdateWorkflowDefinition": ("POST", _all(B, ["Id", "ProjectId", "Spec"]), ["Id", "ProjectId", "Spec"]),
    "GetWorkflowDefinition": ("GET", _all(Q, ["Id", "ProjectId", "IncludeScriptContent"]), ["Id"]),
    "ListWorkflowDefinitions": ("GET", _all(Q, ["ProjectId", "PageNumber", "PageSize", "Name", "Owner", "Type"]),
                                ["ProjectId"]),
    "DeleteWorkflowDefinition": ("POST", _all(B, ["Id", "ProjectId"]), ["Id", "ProjectId"]),
    "ImportWorkflowDefinition": ("POST", _all(B, ["ProjectId", "Spec"]), ["ProjectId", "Spec"]),
    "GetJobStatus": ("GET", _all(Q, ["JobId"]), ["JobId"]),
    "CreateResource": ("POST", _all(B, ["ProjectId", "Spec", "ResourceFile"]), ["ProjectId", "Spec"]),
    "UpdateResource": ("POST", _all(B, ["Id", "ProjectId", "Spec", "ResourceFile"]), ["Id", "ProjectId", "Spec"]),
    "GetResource": ("GET", _all(Q, ["Id", "ProjectId"]), ["Id"]),
    "ListResources": ("GET", _all(Q, ["ProjectId", "PageNumber", "PageSize", "Name", "Owner", "Type"]), ["ProjectId"]),
    "DeleteResource": ("POST", _all(B, ["Id", "ProjectId"]), ["Id", "ProjectId"]),
    "CreateFunction": ("POST", _all(B, ["ProjectId", "Spec"]), ["ProjectId", "Spec"]),
    "UpdateFunction": ("POST", _all(B, ["Id", "ProjectId", "Spec"]), ["Id", "ProjectId", "Spec"]),
    "GetFunction": ("GET", _all(Q, ["Id", "ProjectId"]), ["Id"]),
    "ListFunctions": ("GET", _all(Q, ["ProjectId", "PageNumber", "PageSize", "Name", "Owner", "Type"]), ["ProjectId"]),
    "DeleteFunction": ("POST", _all(B, ["Id", "ProjectId"]), ["Id", "ProjectId"]),
    "CreateDataSource": ("POST", _all(Q, ["ProjectId", "Name", "Type", "ConnectionPropertiesMode",
                                          "ConnectionProperties", "Description"]),
                         ["ProjectId", "Name", "Type", "ConnectionPropertiesMode", "ConnectionProperties"]),
    "ListDataSources": ("GET", _all(Q, ["ProjectId", "Name", "Types", "EnvType", "PageNumber", "PageSize", "SortBy",
                                        "Order", "Tags"]), ["ProjectId"]),
    "GetDataSource": ("GET", _all(Q, ["Id"]), ["Id"]),
    "UpdateDataSource": ("POST", _all(Q, ["Id", "ProjectId", "ConnectionProperties", "ConnectionPropertiesMode",
                                          "Description"]), ["Id", "ProjectId", "ConnectionProperties"]),
    "DeleteDataSource": ("GET", _all(Q, ["Id"]), ["Id"]),
    "CreatePipelineRun": ("POST", _all(B, ["ProjectId", "Type", "ObjectIds", "Description"]),
                          ["ProjectId", "Type", "ObjectIds"]),
    "GetPipelineRun": ("GET", _all(Q, ["Id", "ProjectId"]), ["Id", "ProjectId"]),
    "ExecPipelineRunStage": ("POST", {"ProjectId": Q, "Id": B, "Code": B}, ["ProjectId", "Id", "Code"]),
    "AbolishPipelineRun": ("POST", _all(B, ["Id", "ProjectId"]), ["Id", "ProjectId"]),
    "ListPipelineRuns": ("GET", _all(Q, ["ProjectId", "PageNumber", "PageSize", "Creator", "ObjectId", "Status"]),
                         ["ProjectId"]),
    "ListPipelineRunItems": ("GET", _all(Q, ["PipelineRunId", "ProjectId", "PageNumber", "PageSize"]),
                             ["PipelineRunId", "ProjectId"]),
}

SCENES = {"DATAWORKS_PROJECT": "DATAWORKS_PROJECT", "DataworksProject": "DATAWORKS_PROJECT",
          "DATAWORKS_MANUAL_WORKFLOW": "DATAWORKS_MANUAL_WORKFLOW", "DataworksManualWorkflow": "DATAWORKS_MANUAL_WORKFLOW",
          "DATAWORKS_MANUAL_TASK": "DATAWORKS_MANUAL_TASK", "DataworksManualTask": "DATAWORKS_MANUAL_TASK"}
# Which spec list holds the object, its name in errors and not-found codes, its pipeline item type.
KINDS = {
    "node": ("nodes", "node", "Node", "Node"),
    "workflow": ("workflows", "workflow definition", "WorkflowDefinition", "WorkflowDefinition"),
    "resource": ("fileResources", "resource", "Resource", "Resource"),
    "function": ("functions", "function", "Function", "Function"),
}
NAMESPACE = {"node": "datastudio", "workflow": "datastudio", "resource": "resource", "function": "function"}
DEFAULT_STAGES = {
    "Online": [["BUILD_PACKAGE", "Build", "Build package"], ["PROD_CHECK", "Check", "Production check"],
               ["PROD", "Deploy", "Deploy to production"]],
    "Offline": [["BUILD_PACKAGE", "Build", "Build package"], ["PROD", "Offline", "Undeploy from production"]],
}
NODE_DEFAULTS = {"recurrence": "Normal", "timeout": 0, "instanceMode": "T+1", "rerunMode": "Allowed",
                 "rerunTimes": 3, "rerunInterval": 180000}


class ApiError(Exception):
    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def invalid(message):
    return ApiError(400, "Invalid.Param", message)


def now_ms():
    return int(time.time() * 1000)


def norm_path(path):
    return "/".join(p for p in str(path).split("/") if p)


def merge(base, patch):
    """An incremental update: objects merged key by key, anything else (lists too) replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for k, v in patch.items():
            out[k] = merge(base[k], v) if k in base else copy.deepcopy(v)
        return out
    return copy.deepcopy(patch)


def spec_text(doc):
    # The server's own rendering: keys sorted, compact, UTF-8 as is (ref 6: Get does not echo the text).
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# ---------------------------------------------------------------- state
class State:
    def __init__(self, config):
        self.lock = threading.RLock()
        self.base_config = config
        self.reset()

    def reset(self):
        with self.lock:
            self.config = copy.deepcopy(self.base_config)
            self.rng = random.Random(self.config["seed"])
            self.objects = {}        # id (text) -> object (nodes, workflows, resources, functions)
            self.data_sources = {}   # id (int) -> data source
            self.jobs = {}           # id (text) -> async job
            self.runs = {}           # id (uuid) -> pipeline run
            self.faults = []
            self.nonces = {}         # nonce -> time first seen
            self.requests = {}       # action -> requests naming it
            self.succeeded = {}      # action -> requests answered 2xx (a lost reply included)
            self.log = []
            self.signature_failures = []
            self.next_ds_id = 100001
            self.last_ms = 0

    # -- small helpers
    def tick(self):
        """Milliseconds, strictly growing, so that every change moves ModifyTime."""
        t = max(now_ms(), self.last_ms + 1)
        self.last_ms = t
        return t

    def new_id(self):
        while True:
            n = self.rng.randrange(10 ** 18, 9 * 10 ** 18) | 1  # odd: no double holds it exactly
            if str(n) not in self.objects and str(n) not in self.jobs:
                return str(n)

    def project(self, params, required=True):
        raw = params.get("ProjectId")
        if raw in (None, ""):
            if required:
                raise ApiError(400, "MissingProjectId", "ProjectId is mandatory for this action.")
            return None
        try:
            pid = int(raw)
        except ValueError:
            raise invalid(f"ProjectId must be a long, not '{raw}'")
        if pid not in self.config["projects"]:
            # Decision (ref silent): an unknown workspace is a permission refusal naming it.
            raise ApiError(403, "Forbidden.Access",
                           f"Workspace {pid} does not exist or the caller has no permission on it "
                           f"(ProjectId={pid}).")
        return pid

    def not_found(self, kind, ident):
        style = self.config["not_found_style"]
        label = KINDS[kind][1] if kind in KINDS else kind.replace("_", " ")
        title = KINDS[kind][2] if kind in KINDS else "".join(w.title() for w in kind.split("_"))
        if style == "notfound":
            return ApiError(404, f"{title}.NotFound", f"The {label} {ident} does not exist.")
        if style == "opaque":
            zh = {"node": "节点", "workflow": "工作流", "resource": "资源", "function": "函数"}.get(kind, "对象")
            return ApiError(400, "5801488441564725286", f"未找到{zh}: {ident}")
        return invalid(f"The {label} {ident} does not exist.")

    def get_obj(self, kind, ident, project=None):
        key = str(ident).strip()
        obj = self.objects.get(key)
        if obj is None or obj["kind"] != kind or (project is not None and obj["project"] != project):
            raise self.not_found(kind, ident)
        return obj

    def in_project(self, project, kind):
        return [o for o in self.objects.values() if o["project"] == project and o["kind"] == kind]

    def path_owner(self, project, kind, path, but=None):
        ns = NAMESPACE[kind]
        for o in self.objects.values():
            if o["project"] == project and NAMESPACE[o["kind"]] == ns and o["path"] == path and o["id"] != but:
                return o
        return None

    def check_path_free(self, project, kind, path, but=None):
        if self.path_owner(project, kind, path, but):
            raise invalid(f"target folder already exists: {path}")

    def id_out(self, ident, where):
        """Ids as the live service sends them: numbers for nodes (and GetWorkflowDefinition), else text."""
        style = self.config["id_style"]
        if style == "number" or (style == "live" and where in ("node", "workflow_get")):
            return int(ident)
        return str(ident)

    def children(self, obj):
        return [o for o in self.objects.values() if o.get("container") == obj["id"]]

    def advance(self):
        """Jobs and pipeline stages also finish with time, polled or not (a lost reply leaves no poller)."""
        t = time.time()
        for job in self.jobs.values():
            if job["Status"] == "Running" and t >= job["ready_at"]:
                self.finish_job(job)
        for run in self.runs.values():
            for stage in run["Stages"]:
                if stage["Status"] == "Running" and t >= stage["ready_at"]:
                    self.finish_stage(run, stage)

    # -- spec handling
    def parse_spec(self, text, list_key):
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise invalid(f"Spec is not valid JSON: {e}")
        if not isinstance(doc, dict) or not isinstance(doc.get("spec"), dict):
            raise invalid("Spec must be a FlowSpec document: an object with a `spec` object")
        items = doc["spec"].get(list_key)
        if not isinstance(items, list) or not items or not isinstance(items[0], dict):
            raise invalid(f"Spec holds no entry in $.spec.{list_key}")
        return doc

    def entry_of(self, obj):
        return obj["doc"]["spec"][KINDS[obj["kind"]][0]][0]

    def rewrite(self, obj, doc, entry):
        """Store `entry` as the object's document, filled in the way the service fills what it stores."""
        kind = obj["kind"]
        doc = copy.deepcopy(doc)
        entry = copy.deepcopy(entry)
        entry["id"] = obj["id"]
        entry["name"] = obj["name"]
        script = entry.get("script") if isinstance(entry.get("script"), dict) else {}
        script["id"] = obj["script_id"]
        script["path"] = obj["path"]
        if kind == "workflow":
            runtime = script.setdefault("runtime", {})
            if isinstance(runtime, dict):
                runtime.setdefault("command", "WORKFLOW")
        entry["script"] = script
        if kind in ("node", "workflow"):
            trigger = entry.get("trigger") if isinstance(entry.get("trigger"), dict) else {
                "type": "Manual" if obj.get("scene", "").startswith("DATAWORKS_MANUAL") else "Scheduler",
                "cron": "00 00 00 * * ?", "startTime": "1970-01-01 00:00:00", "endTime": "9999-01-01 00:00:00",
                "timezone": "Asia/Shanghai", "delaySeconds": 0}
            trigger["id"] = obj["trigger_id"]
            entry["trigger"] = trigger
            if kind == "node":
                for k, v in NODE_DEFAULTS.items():
                    entry.setdefault(k, v)
            else:
                strategy = entry.setdefault("strategy", {})
                if isinstance(strategy, dict):
                    for k, v in NODE_DEFAULTS.items():
                        if k != "recurrence":
                            strategy.setdefault(k, v)
                    strategy.setdefault("failureStrategy", "Break")
            entry.setdefault("inputs", {})
            outputs = entry.setdefault("outputs", {})
            if isinstance(outputs, dict):
                outs = outputs.setdefault("nodeOutputs", [])
                if isinstance(outs, list) and not any(isinstance(o, dict) and o.get("data") == obj["id"] for o in outs):
                    outs.insert(0, {"data": obj["id"], "artifactType": "NodeOutput", "refTableName": obj["name"],
                                    "isDefault": True})
        if kind == "workflow":
            entry.pop("nodes", None)  # inner nodes are objects of their own, put back by render()
            doc["spec"]["id"] = obj["id"]
        doc["spec"][KINDS[kind][0]] = [entry]
        meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
        meta.setdefault("owner", obj["owner"])
        meta["uuid"] = obj["id"]
        doc["metadata"] = meta
        doc.setdefault("version", "1.1.0")
        obj["doc"] = doc

    def render(self, obj, include_content=True):
        """The Spec text Get answers; a workflow's inner nodes are put back in, content optional."""
        doc = copy.deepcopy(obj["doc"])
        if obj["kind"] == "workflow":
            nodes = []
            for child in sorted(self.children(obj), key=lambda o: o["seq"]):
                node = copy.deepcopy(self.entry_of(child))
                if not include_content and isinstance(node.get("script"), dict):
                    node["script"].pop("content", None)
                nodes.append(node)
            doc["spec"]["workflows"][0]["nodes"] = nodes
        return spec_text(doc)

    def owner_of(self, doc, entry):
        meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
        owner = entry.get("owner") or meta.get("owner") or self.config["owner"]
        return str(owner)

    def new_object(self, kind, project, name, path, owner, **extra):
        t = self.tick()
        obj = {"kind": kind, "id": self.new_id(), "project": project, "name": name, "path": path, "owner": owner,
               "script_id": self.new_id(), "trigger_id": self.new_id(), "create_time": t, "modify_time": t,
               "version": 1, "deployed": False, "deployed_version": None, "task_id": None, "container": None,
               "seq": len(self.objects) + 1}
        obj.update(extra)
        return obj

    def touched(self, obj):
        obj["modify_time"] = self.tick()
        obj["version"] += 1

    def node_name_path(self, entry, container):
        name = entry.get("name")
        script = entry.get("script") if isinstance(entry.get("script"), dict) else {}
        path = norm_path(script.get("path") or "")
        if container is not None:
            if not name:
                name = path.rsplit("/", 1)[-1] if path else None
            if not name:
                raise invalid("$.spec.nodes[0].name is required")
            # ref 5 CreateNode: with a ContainerId the FlowSpec path is ignored.
            path = f"{container['path']}/{name}"
        else:
            if not path:
                raise invalid("$.spec.nodes[0].script.path is required")
            name = name or path.rsplit("/", 1)[-1]
        return str(name), path

    # ---------------------------------------------------------------- nodes
    def act_CreateNode(self, p):
        project = self.project(p)
        scene = SCENES.get(p["Scene"])
        if scene is None:
            raise invalid(f"Scene '{p['Scene']}' is not one of DATAWORKS_PROJECT, DATAWORKS_MANUAL_WORKFLOW, "
                          f"DATAWORKS_MANUAL_TASK")
        container = None
        if p.get("ContainerId"):
            container = self.objects.get(p["ContainerId"].strip())
            if container is None or container["project"] != project or container["kind"] not in ("workflow", "node"):
                raise self.not_found("workflow", p["ContainerId"])
        elif scene == "DATAWORKS_MANUAL_WORKFLOW":
            raise invalid("Scene DATAWORKS_MANUAL_WORKFLOW needs a ContainerId naming a manual workflow")
        doc = self.parse_spec(p["Spec"], "nodes")
        entry = doc["spec"]["nodes"][0]  # one node only: the others are ignored (ref 5)
        name, path = self.node_name_path(entry, container)
        self.check_path_free(project, "node", path)
        obj = self.new_object("node", project, name, path, self.owner_of(doc, entry), scene=scene,
                              container=container["id"] if container else None)
        self.rewrite(obj, doc, entry)
        self.objects[obj["id"]] = obj
        return {"Id": self.id_out(obj["id"], "node")}

    def act_UpdateNode(self, p):
        project = self.project(p)
        obj = self.get_obj("node", p["Id"], project)
        doc = self.parse_spec(p["Spec"], "nodes")
        entry = doc["spec"]["nodes"][0]
        if entry.get("id") not in (None, "") and str(entry["id"]) != obj["id"]:
            raise invalid(f"the node in Spec has id {entry['id']}, not {obj['id']}")
        merged_doc = merge(obj["doc"], {k: v for k, v in doc.items() if k != "spec"})
        merged_doc["spec"] = merge(obj["doc"]["spec"], {k: v for k, v in doc["spec"].items() if k != "nodes"})
        self.rewrite(obj, merged_doc, merge(self.entry_of(obj), entry))
        self.touched(obj)
        return {"Success": True}

    def node_out(self, obj):
        return {"Id": self.id_out(obj["id"], "node"), "Name": obj["name"], "ProjectId": obj["project"],
                "Owner": obj["owner"], "CreateTime": obj["create_time"], "ModifyTime": obj["modify_time"],
                "Spec": self.render(obj), **({"TaskId": obj["task_id"]} if obj["deployed"] else {})}

    def act_GetNode(self, p):
        return {"Node": self.node_out(self.get_obj("node", p["Id"], self.project(p, required=False)))}

    def act_ListNodes(self, p):
        project = self.project(p)
        nodes = sorted(self.in_project(project, "node"), key=lambda o: o["seq"])
        if p.get("ContainerId"):
            nodes = [o for o in nodes if o["container"] == p["ContainerId"].strip()]
        if p.get("Name"):
            nodes = [o for o in nodes if p["Name"].lower() in o["name"].lower()]
        if p.get("Scene"):
            scene = SCENES.get(p["Scene"], p["Scene"])
            nodes = [o for o in nodes if o.get("scene") == scene]
        for key, field in (("Recurrence", "recurrence"), ("RerunMode", "rerunMode")):
            if p.get(key):
                nodes = [o for o in nodes if self.entry_of(o).get(field) == p[key]]
        number, size, page = self.page(p, nodes)
        items = []
        for o in page:
            e = self.entry_of(o)
            script = e.get("script") or {}
            trig = e.get("trigger") or {}
            item = {"Id": self.id_out(o["id"], "node"), "Name": o["name"], "ProjectId": o["project"], "Owner": o["owner"],
                    "Description": e.get("description", ""), "CreateTime": o["create_time"],
                    "ModifyTime": o["modify_time"], "Recurrence": e.get("recurrence"),
                    "Script": {"Id": script.get("id"), "Path": o["path"],
                               "Runtime": {"Command": (script.get("runtime") or {}).get("command")}},
                    "Strategy": {k[0].upper() + k[1:]: e.get(k) for k in
                                 ("instanceMode", "rerunMode", "rerunTimes", "rerunInterval", "timeout")},
                    "Trigger": {"Id": trig.get("id"), "Type": trig.get("type"), "Cron": trig.get("cron"),
                                "StartTime": trig.get("startTime"), "EndTime": trig.get("endTime"),
                                "Timezone": trig.get("timezone")},
                    "Outputs": {"NodeOutputs": [{"Data": x.get("data"), "RefTableName": x.get("refTableName")}
                                                for x in ((e.get("outputs") or {}).get("nodeOutputs") or [])
                                                if isinstance(x, dict)]},
                    "Tags": []}
            if isinstance(e.get("datasource"), dict):
                item["DataSource"] = {"Name": e["datasource"].get("name"), "Type": e["datasource"].get("type")}
            if isinstance(e.get("runtimeResource"), dict):
                item["RuntimeResource"] = {"ResourceGroup": e["runtimeResource"].get("resourceGroup"),
                                           "ResourceGroupId": e["runtimeResource"].get("resourceGroupId")}
            if o["deployed"]:
                item["TaskId"] = o["task_id"]
            items.append(item)
        # The SDK types ListNodes' paging numbers as strings (ref 5).
        return {"PagingInfo": {"PageNumber": str(number), "PageSize": str(size), "TotalCount": str(len(nodes)),
                               "Nodes": items}}

    def delete_object(self, obj):
        for child in self.children(obj):
            self.delete_object(child)
        self.objects.pop(obj["id"], None)

    def act_DeleteNode(self, p):
        obj = self.get_obj("node", p["Id"], self.project(p))
        if obj["deployed"]:
            raise invalid(f"The node {obj['id']} is deployed; undeploy it first (CreatePipelineRun Type Offline).")
        self.delete_object(obj)
        return {"Success": True}

    def act_MoveNode(self, p):
        project = self.project(p)
        obj = self.get_obj("node", p["Id"], project)
        folder = norm_path(p["Path"])
        if not folder:
            raise invalid("Path is empty")
        path = f"{folder}/{obj['name']}"  # Decision (the SDK's example, "root/demo", is ambiguous): the folder
        self.check_path_free(project, "node", path, but=obj["id"])
        obj["path"] = path
        self.rewrite(obj, obj["doc"], self.entry_of(obj))
        self.touched(obj)
        return {"Success": True}

    def act_RenameNode(self, p):
        project = self.project(p)
        obj = self.get_obj("node", p["Id"], project)
        folder = obj["path"].rsplit("/", 1)[0] if "/" in obj["path"] else ""
        path = f"{folder}/{p['Name']}" if folder else p["Name"]
        self.check_path_free(project, "node", path, but=obj["id"])
        obj["name"], obj["path"] = p["Name"], path
        self.rewrite(obj, obj["doc"], self.entry_of(obj))
        self.touched(obj)
        return {"Success": True}

    # ---------------------------------------------------------------- paging
    def page(self, p, items, default_size=10, max_size=100):
        try:
            number = int(p.get("PageNumber") or 1)
            size = int(p.get("PageSize") or default_size)
        except ValueError:
            raise invalid("PageNumber and PageSize must be integers")
        if number < 1 or size < 1:
            raise invalid("PageNumber and PageSize must be at least 1")
        size = min(size, max_size)
        return number, size, items[(number - 1) * size:number * size]

    # ---------------------------------------------------------------- workflows
    def workflow_type(self, doc, entry):
        t = entry.get("type") or doc["spec"].get("type") or doc.get("kind")
        return "ManualWorkflow" if t == "ManualWorkflow" else "CycleWorkflow"

    def workflow_name_path(self, entry):
        script = entry.get("script") if isinstance(entry.get("script"), dict) else {}
        path = norm_path(script.get("path") or "")
        if not path:
            raise invalid("$.spec.workflows[0].script.path is required")
        return str(entry.get("name") or path.rsplit("/", 1)[-1]), path

    def act_CreateWorkflowDefinition(self, p):
        project = self.project(p)
        doc = self.parse_spec(p["Spec"], "workflows")
        entry = doc["spec"]["workflows"][0]  # first workflow only, its nodes ignored (ref 5)
        name, path = self.workflow_name_path(entry)
        self.check_path_free(project, "workflow", path)
        obj = self.new_object("workflow", project, name, path, self.owner_of(doc, entry),
                              type=self.workflow_type(doc, entry), workflow_id=None)
        self.rewrite(obj, doc, entry)
        self.objects[obj["id"]] = obj
        return {"Id": self.id_out(obj["id"], "workflow")}

    def act_UpdateWorkflowDefinition(self, p):
        project = self.project(p)
        obj = self.get_obj("workflow", p["Id"], project)
        doc = self.parse_spec(p["Spec"], "workflows")
        entry = {k: v for k, v in doc["spec"]["workflows"][0].items() if k != "nodes"}  # nodes: UpdateNode
        if entry.get("id") not in (None, "") and str(entry["id"]) != obj["id"]:
            raise invalid(f"the workflow in Spec has id {entry['id']}, not {obj['id']}")
        merged_doc = merge(obj["doc"], {k: v for k, v in doc.items() if k != "spec"})
        merged_doc["spec"] = merge(obj["doc"]["spec"], {k: v for k, v in doc["spec"].items()
                                                         if k not in ("workflows", "id")})
        self.rewrite(obj, merged_doc, merge(self.entry_of(obj), entry))
        self.touched(obj)
        return {"Success": True}

    def act_GetWorkflowDefinition(self, p):
        obj = self.get_obj("workflow", p["Id"], self.project(p, required=False))
        include = str(p.get("IncludeScriptContent") or "false").lower() == "true"
        out = {"Id": self.id_out(obj["id"], "workflow_get"), "Name": obj["name"], "ProjectId": obj["project"],
               "Owner": obj["owner"], "CreateTime": obj["create_time"], "ModifyTime": obj["modify_time"],
               "Spec": self.render(obj, include_content=include)}
        if obj["deployed"]:
            out["WorkflowId"] = obj["workflow_id"]
        return {"WorkflowDefinition": out}

    def act_ListWorkflowDefinitions(self, p):
        project = self.project(p)
        wanted = p.get("Type") or "CycleWorkflow"
        flows = [o for o in sorted(self.in_project(project, "workflow"), key=lambda o: o["seq"]) if o["type"] == wanted]
        if p.get("Name"):
            flows = [o for o in flows if p["Name"].lower() in o["name"].lower()]
        if p.get("Owner"):
            flows = [o for o in flows if o["owner"] == p["Owner"]]
        number, size, page = self.page(p, flows)
        items = [{"Id": self.id_out(o["id"], "workflow"), "Name": o["name"], "ProjectId": o["project"],
                  "Owner": o["owner"], "Description": self.entry_of(o).get("description", ""), "Type": o["type"],
                  "CreateTime": o["create_time"], "ModifyTime": o["modify_time"],
                  "Script": {"Id": o["script_id"], "Path": o["path"], "Runtime": {"Command": "WORKFLOW"}}}
                 for o in page]
        return {"PagingInfo": {"PageNumber": number, "PageSize": size, "TotalCount": len(flows),
                               "WorkflowDefinitions": items}}

    def act_DeleteWorkflowDefinition(self, p):
        obj = self.get_obj("workflow", p["Id"], self.project(p))
        if obj["deployed"] or any(c["deployed"] for c in self.children(obj)):
            raise invalid(f"The workflow definition {obj['id']} is deployed; undeploy it first "
                          f"(CreatePipelineRun Type Offline).")
        self.delete_object(obj)
        return {"Success": True}

    def act_ImportWorkflowDefinition(self, p):
        project = self.project(p)
        doc = self.parse_spec(p["Spec"], "workflows")
        entry = doc["spec"]["workflows"][0]
        self.workflow_name_path(entry)
        nodes = entry.get("nodes")
        if nodes is None and isinstance(doc["spec"].get("nodes"), list):
            nodes = doc["spec"]["nodes"]
        if not isinstance(nodes if nodes is not None else [], list):
            raise invalid("$.spec.workflows[0].nodes must be a list")
        # An id that exists makes it an update; an omitted or unknown id creates (ref 5).
        target = None
        for cand in (entry.get("id"), doc["spec"].get("id")):
            o = self.objects.get(str(cand)) if cand not in (None, "") else None
            if o is not None and o["kind"] == "workflow" and o["project"] == project:
                target = o
                break
        wf_id = target["id"] if target else self.new_id()
        job_id = self.new_id()
        t = self.tick()
        self.jobs[job_id] = {"Id": job_id, "project": project, "Type": "Create", "Status": "Running",
                             "Completed": False, "Progress": 0, "CreateTime": t, "Error": None,
                             "Response": wf_id, "polls": 0, "ready_at": time.time() + self.config["job_seconds"],
                             "doc": doc, "nodes": nodes or [], "update": target is not None}
        job = self.jobs[job_id]
        return {"AsyncJob": self.job_out(job)}

    def job_out(self, job):
        # As observed live: Type Create (also for an update), Response the workflow id as text.
        return {"Id": job["Id"], "Type": job["Type"], "Status": job["Status"], "Completed": job["Completed"],
                "Progress": job["Progress"], "CreateTime": job["CreateTime"], "Error": job["Error"],
                "Response": job["Response"]}

    def finish_job(self, job):
        try:
            self.apply_import(job)
            job["Status"] = "Success"
        except ApiError as e:
            job["Status"], job["Error"] = "Fail", e.message
        job["Completed"], job["Progress"] = True, 100

    def apply_import(self, job):
        project, doc = job["project"], job["doc"]
        entry = {k: v for k, v in doc["spec"]["workflows"][0].items() if k != "nodes"}
        name, path = self.workflow_name_path(entry)
        existing = self.objects.get(job["Response"]) if job["update"] else None
        # Check everything before changing anything: a failed job leaves the workspace as it was.
        self.check_path_free(project, "workflow", path, but=existing["id"] if existing else None)
        planned, seen_paths = [], set()
        inner = {c["id"] for c in self.children(existing)} if existing else set()
        for i, node in enumerate(job["nodes"]):
            if not isinstance(node, dict):
                raise invalid(f"$.spec.workflows[0].nodes[{i}] is not an object")
            old = self.objects.get(str(node.get("id"))) if node.get("id") not in (None, "") else None
            if old is None or old["id"] not in inner:
                old = None  # an unknown id (or another workflow's node) creates a node
            nname = node.get("name")
            script = node.get("script") if isinstance(node.get("script"), dict) else {}
            npath = norm_path(script.get("path") or "") or (f"{path}/{nname}" if nname else "")
            if not npath:
                raise invalid(f"$.spec.workflows[0].nodes[{i}] has neither name nor script.path")
            if npath in seen_paths or npath == path:
                raise invalid(f"target folder already exists: {npath}")
            seen_paths.add(npath)
            planned.append((node, old, str(nname or npath.rsplit("/", 1)[-1]), npath))
        keep = {old["id"] for _, old, _, _ in planned if old is not None}
        for _, old, _, npath in planned:
            holder = self.path_owner(project, "node", npath)
            # Free, or held by this workflow's node that is updated here or removed by this import.
            if holder is not None and holder["id"] not in inner:
                raise invalid(f"target folder already exists: {npath}")
            if holder is not None and holder["id"] in keep and (old is None or holder["id"] != old["id"]):
                raise invalid(f"target folder already exists: {npath}")
        if existing is not None:
            for child in self.children(existing):
                if child["id"] not in keep and child["deployed"]:
                    raise invalid(f"The node {child['id']} is deployed; undeploy it first.")
        # Apply.
        if existing is None:
            wf = self.new_object("workflow", project, name, path, self.owner_of(doc, entry),
                                 type=self.workflow_type(doc, entry), workflow_id=None)
            wf["id"] = job["Response"]
            self.objects[wf["id"]] = wf
        else:
            wf = existing
            wf["name"], wf["path"], wf["type"] = name, path, self.workflow_type(doc, entry)
            for child in self.children(wf):
                if child["id"] not in keep:
                    self.delete_object(child)
            self.touched(wf)
        wdoc = copy.deepcopy(doc)
        self.rewrite(wf, wdoc, entry)
        for node, old, nname, npath in planned:
            ndoc = {"version": doc.get("version", "1.1.0"), "kind": "Node", "spec": {"nodes": [node]}}
            if old is None:
                obj = self.new_object("node", project, nname, npath, self.owner_of(doc, node),
                                      scene="DATAWORKS_PROJECT", container=wf["id"])
                self.objects[obj["id"]] = obj
            else:
                obj = old
                obj["name"], obj["path"] = nname, npath
                self.touched(obj)
            self.rewrite(obj, ndoc, node)

    def act_GetJobStatus(self, p):
        job = self.jobs.get(p["JobId"].strip())
        if job is None:
            raise self.not_found("job", p["JobId"])
        if job["Status"] == "Running":
            job["polls"] += 1
            if job["polls"] >= self.config["job_polls"]:
                self.finish_job(job)
        return {"JobStatus": {"JobId": job["Id"], "JobType": job["Type"], "Status": job["Status"],
                              "Completed": "True" if job["Completed"] else "False",
                              "CreateTime": str(job["CreateTime"]), "Error": job["Error"]}}

    # ---------------------------------------------------------------- resources and functions
    def plain_name_path(self, kind, entry):
        script = entry.get("script") if isinstance(entry.get("script"), dict) else {}
        path = norm_path(script.get("path") or "") or norm_path(entry.get("name") or "")
        if not path:
            raise invalid(f"$.spec.{KINDS[kind][0]}[0] needs a name or a script.path")
        return str(entry.get("name") or path.rsplit("/", 1)[-1]), path

    def act_CreateResource(self, p, file=None):
        project = self.project(p)
        doc = self.parse_spec(p["Spec"], "fileResources")
        entry = doc["spec"]["fileResources"][0]  # first resource only (ref 5)
        name, path = self.plain_name_path("resource", entry)
        self.check_path_free(project, "resource", path)
        obj = self.new_object("resource", project, name, path, self.owner_of(doc, entry), file=file)
        self.rewrite(obj, doc, entry)
        self.objects[obj["id"]] = obj
        return {"Id": self.id_out(obj["id"], "resource")}

    def act_UpdateResource(self, p, file=None):
        obj = self.get_obj("resource", p["Id"], self.project(p))
        doc = self.parse_spec(p["Spec"], "fileResources")
        entry = doc["spec"]["fileResources"][0]
        merged_doc = merge(obj["doc"], {k: v for k, v in doc.items() if k != "spec"})
        merged_doc["spec"] = merge(obj["doc"]["spec"], {k: v for k, v in doc["spec"].items() if k != "fileResources"})
        self.rewrite(obj, merged_doc, merge(self.entry_of(obj), entry))
        if file is not None:
            obj["file"] = file
        self.touched(obj)
        return {"Success": True}

    def plain_out(self, obj):
        return {"Id": self.id_out(obj["id"], obj["kind"]), "Name": obj["name"], "ProjectId": obj["project"],
                "Owner": obj["owner"], "CreateTime": obj["create_time"], "ModifyTime": obj["modify_time"],
                "Spec": self.render(obj)}

    def act_GetResource(self, p):
        return {"Resource": self.plain_out(self.get_obj("resource", p["Id"], self.project(p, required=False)))}

    def filtered(self, p, kind):
        items = sorted(self.in_project(self.project(p), kind), key=lambda o: o["seq"])
        if p.get("Name"):
            items = [o for o in items if p["Name"].lower() in o["name"].lower()]
        if p.get("Owner"):
            items = [o for o in items if o["owner"] == p["Owner"]]
        if p.get("Type"):
            items = [o for o in items if str(self.entry_of(o).get("type", "")).lower() == p["Type"].lower()]
        return items

    def act_ListResources(self, p):
        items = self.filtered(p, "resource")
        number, size, page = self.page(p, items)
        out = []
        for o in page:
            e = self.entry_of(o)
            f = e.get("file") if isinstance(e.get("file"), dict) else {}
            storage = f.get("storage") if isinstance(f.get("storage"), dict) else {}
            item = {"Id": self.id_out(o["id"], "resource"), "Name": o["name"], "Type": e.get("type"),
                    "SourceType": "OSS" if str(storage.get("type", "")).lower() == "oss" else "Local",
                    "SourcePath": f.get("path") or (o.get("file") or {}).get("url"),
                    "TargetType": (e.get("datasource") or {}).get("type") if isinstance(e.get("datasource"), dict) else None,
                    "TargetPath": o["path"], "Owner": o["owner"], "ProjectId": o["project"],
                    "CreateTime": o["create_time"], "ModifyTime": o["modify_time"],
                    "Script": {"Id": o["script_id"], "Path": o["path"],
                               "Runtime": {"Command": ((e.get("script") or {}).get("runtime") or {}).get("command")}}}
            if isinstance(e.get("datasource"), dict):
                item["DataSource"] = {"Name": e["datasource"].get("name"), "Type": e["datasource"].get("type")}
            out.append(item)
        return {"PagingInfo": {"PageNumber": number, "PageSize": size, "TotalCount": len(items), "Resources": out}}

    def act_DeleteResource(self, p):
        self.delete_object(self.get_obj("resource", p["Id"], self.project(p)))
        return {"Success": True}

    def act_CreateFunction(self, p):
        project = self.project(p)
        doc = self.parse_spec(p["Spec"], "functions")
        entry = doc["spec"]["functions"][0]  # first function only (ref 5)
        name, path = self.plain_name_path("function", entry)
        self.check_path_free(project, "function", path)
        obj = self.new_object("function", project, name, path, self.owner_of(doc, entry))
        self.rewrite(obj, doc, entry)
        self.objects[obj["id"]] = obj
        return {"Id": self.id_out(obj["id"], "function")}

    def act_UpdateFunction(self, p):
        obj = self.get_obj("function", p["Id"], self.project(p))
        doc = self.parse_spec(p["Spec"], "functions")
        entry = doc["spec"]["functions"][0]
        merged_doc = merge(obj["doc"], {k: v for k, v in doc.items() if k != "spec"})
        merged_doc["spec"] = merge(obj["doc"]["spec"], {k: v for k, v in doc["spec"].items() if k != "functions"})
        self.rewrite(obj, merged_doc, merge(self.entry_of(obj), entry))
        self.touched(obj)
        return {"Success": True}

    def act_GetFunction(self, p):
        return {"Function": self.plain_out(self.get_obj("function", p["Id"], self.project(p, required=False)))}

    def act_ListFunctions(self, p):
        items = self.filtered(p, "function")
        number, size, page = self.page(p, items)
        out = []
        for o in page:
            e = self.entry_of(o)
            res = e.get("fileResources")
            item = {"Id": self.id_out(o["id"], "function"), "Name": o["name"], "Type": e.get("type"),
                    "ClassName": e.get("className"), "EmbeddedCode": e.get("embeddedCode"),
                    "FileResource": json.dumps(res, ensure_ascii=False) if res is not None else None,
                    "Description": e.get("description"), "Owner": o["owner"], "ProjectId": o["project"],
                    "CreateTime": o["create_time"], "ModifyTime": o["modify_time"],
                    "Script": {"Id": o["script_id"], "Path": o["path"],
                               "Runtime": {"Command": ((e.get("script") or {}).get("runtime") or {}).get("command")}}}
            if isinstance(e.get("datasource"), dict):
                item["DataSource"] = {"Name": e["datasource"].get("name"), "Type": e["datasource"].get("type")}
            out.append(item)
        return {"PagingInfo": {"PageNumber": number, "PageSize": size, "TotalCount": len(items), "Functions": out}}

    def act_DeleteFunction(self, p):
        self.delete_object(self.get_obj("function", p["Id"], self.project(p)))
        return {"Success": True}

    # ---------------------------------------------------------------- data sources
    def connection(self, text):
        try:
            props = json.loads(text)
        except ValueError as e:
            raise invalid(f"ConnectionProperties is not valid JSON: {e}")
        if not isinstance(props, dict) or props.get("envType") not in ("Dev", "Prod"):
            raise invalid("ConnectionProperties must be a JSON object whose envType is Dev or Prod")
        return props

    def ds_taken(self, project, name, env, but=None):
        for d in self.data_sources.values():
            if d["project"] == project and d["Name"] == name and d["props"]["envType"] == env and d["Id"] != but:
                raise invalid(f"The data source {name} already exists in the {env} environment.")

    def act_CreateDataSource(self, p):
        project = self.project(p)
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,254}", p["Name"]):
            raise invalid("Name: up to 255 letters, digits and underscores, starting with a letter")
        if p["ConnectionPropertiesMode"] not in ("UrlMode", "InstanceMode"):
            raise invalid("ConnectionPropertiesMode must be UrlMode or InstanceMode")
        if len(p.get("Description") or "") > 3000:
            raise invalid("Description is longer than 3000 characters")
        props = self.connection(p["ConnectionProperties"])
        self.ds_taken(project, p["Name"], props["envType"])
        t = self.tick()
        ds = {"Id": self.next_ds_id, "project": project, "Name": p["Name"], "Type": p["Type"],
              "ConnectionPropertiesMode": p["ConnectionPropertiesMode"], "props": props,
              "Description": p.get("Description") or "", "CreateTime": t, "ModifyTime": t,
              "CreateUser": self.config["owner"], "ModifyUser": self.config["owner"]}
        self.next_ds_id += 1
        self.data_sources[ds["Id"]] = ds
        return {"Id": ds["Id"]}

    def ds_out(self, d, with_project=True):
        out = {"Id": d["Id"], "Name": d["Name"], "Type": d["Type"], "ConnectionProperties": d["props"],
               "ConnectionPropertiesMode": d["ConnectionPropertiesMode"], "Description": d["Description"],
               "CreateTime": d["CreateTime"], "ModifyTime": d["ModifyTime"], "CreateUser": d["CreateUser"],
               "ModifyUser": d["ModifyUser"], "QualifiedName": f"{d['project']}:{d['Name']}:{d['props']['envType']}"}
        if with_project:
            out["ProjectId"] = d["project"]
        return out

    def get_ds(self, ident, project=None):
        try:
            d = self.data_sources.get(int(ident))
        except ValueError:
            raise invalid(f"Id must be a long, not '{ident}'")
        if d is None or (project is not None and d["project"] != project):
            raise self.not_found("data_source", ident)
        return d

    def act_GetDataSource(self, p):
        return {"DataSource": self.ds_out(self.get_ds(p["Id"]))}

    def act_UpdateDataSource(self, p):
        project = self.project(p)
        d = self.get_ds(p["Id"], project)
        props = self.connection(p["ConnectionProperties"])
        self.ds_taken(project, d["Name"], props["envType"], but=d["Id"])
        if p.get("ConnectionPropertiesMode"):
            if p["ConnectionPropertiesMode"] not in ("UrlMode", "InstanceMode"):
                raise invalid("ConnectionPropertiesMode must be UrlMode or InstanceMode")
            d["ConnectionPropertiesMode"] = p["ConnectionPropertiesMode"]
        if p.get("Description") is not None:
            d["Description"] = p["Description"]
        d["props"], d["ModifyTime"] = props, self.tick()
        return {"Success": True}

    def act_DeleteDataSource(self, p):
        d = self.get_ds(p["Id"])
        del self.data_sources[d["Id"]]
        return {"Success": True}

    def act_ListDataSources(self, p):
        project = self.project(p)
        items = [d for d in self.data_sources.values() if d["project"] == project]
        if p.get("Name"):
            items = [d for d in items if p["Name"].lower() in d["Name"].lower()]
        if p.get("Types"):
            raw = p["Types"].strip()
            try:
                types = json.loads(raw) if raw.startswith("[") else raw.split(",")
            except ValueError:
                raise invalid("Types must be a JSON array or a comma-separated list")
            items = [d for d in items if d["Type"] in {str(t).strip() for t in types}]
        if p.get("EnvType"):
            items = [d for d in items if d["props"]["envType"] == p["EnvType"]]
        key = {"CreateTime": lambda d: d["CreateTime"], "Id": lambda d: d["Id"], "Name": lambda d: d["Name"]}.get(
            p.get("SortBy") or "CreateTime")
        if key is None:
            raise invalid("SortBy must be CreateTime, Id or Name")
        items.sort(key=key, reverse=(p.get("Order") or "Desc") == "Desc")
        groups = {}
        for d in items:  # grouped by name: a group holds the Dev and Prod entries (ref 5)
            groups.setdefault(d["Name"], []).append(d)
        names = list(groups)
        number, size, page = self.page(p, names)
        out = [{"Name": n, "Type": groups[n][0]["Type"], "DataSource": [self.ds_out(d, False) for d in groups[n]]}
               for n in page]
        return {"PagingInfo": {"PageNumber": number, "PageSize": size, "TotalCount": len(names), "DataSources": out}}

    # ---------------------------------------------------------------- deploying
    def act_CreatePipelineRun(self, p):
        project = self.project(p)
        if p["Type"] not in ("Online", "Offline"):
            raise invalid("Type must be Online or Offline")
        try:
            ids = json.loads(p["ObjectIds"])
        except ValueError:
            raise invalid("ObjectIds must be a JSON array of ids, e.g. [\"860438872620113XXXX\"]")
        if not isinstance(ids, list) or not ids:
            raise invalid("ObjectIds must be a non-empty JSON array")
        first = self.objects.get(str(ids[0]).strip())  # only the first id counts, with its children (ref 5)
        if first is None or first["project"] != project:
            raise invalid(f"The object {ids[0]} does not exist in workspace {project}.")
        members = [first] + sorted(self.children(first), key=lambda o: o["seq"])
        for run in self.runs.values():
            if run["Status"] == "Running" and {m["id"] for m in members} & {i["Id"] for i in run["items"]}:
                raise invalid(f"The object {first['id']} is already in the running pipeline run {run['Id']}.")
        t = self.tick()
        run_id = str(uuid.uuid4())
        stages = []
        for step, (code, stype, name) in enumerate(self.config["stages"][p["Type"]], start=1):
            stages.append({"Code": code, "Step": step, "Type": stype, "Name": name, "Description": name,
                           "Status": "Init", "Message": "", "polls": 0, "ready_at": float("inf")})
        run = {"Id": run_id, "ProjectId": project, "Creator": self.config["owner"], "CreateTime": t, "ModifyTime": t,
               "Status": "Running", "Message": "", "Description": p.get("Description") or "", "Type": p["Type"],
               "Stages": stages, "first": first["id"],
               "items": [{"Id": m["id"], "Name": m["name"], "Type": KINDS[m["kind"]][3], "Version": m["version"],
                          "Spec": self.render(m), "CreateTime": t, "ModifyTime": t} for m in members]}
        self.runs[run_id] = run
        if stages and stages[0]["Type"] == "Build":
            self.start_stage(run, stages[0])  # the build runs by itself (ref 6)
        return {"Id": run_id}

    def start_stage(self, run, stage):
        stage["Status"] = "Running"
        stage["ready_at"] = time.time() + self.config["stage_seconds"]
        run["ModifyTime"] = self.tick()

    def finish_stage(self, run, stage):
        fault = self.take_fault("fail_stage", stage["Code"])
        if fault is not None:
            stage["Status"] = "Fail"
            stage["Message"] = fault.get("message") or f"{stage['Code']} failed: checker refused the package"
            run["Status"], run["Message"] = "Fail", stage["Message"]
        else:
            stage["Status"] = "Success"
            if all(s["Status"] == "Success" for s in run["Stages"]):
                run["Status"] = "Success"
                self.deploy(run)
        run["ModifyTime"] = self.tick()

    def deploy(self, run):
        online = run["Type"] == "Online"
        for item in run["items"]:
            obj = self.objects.get(item["Id"])
            if obj is None:
                continue
            obj["deployed"] = online
            obj["deployed_version"] = item["Version"] if online else None
            if online and obj["kind"] == "node" and obj["task_id"] is None:
                obj["task_id"] = int(self.new_id())
            if online and obj["kind"] == "workflow" and obj.get("workflow_id") is None:
                obj["workflow_id"] = int(self.new_id())

    def get_run(self, ident, project):
        run = self.runs.get(ident.strip())
        if run is None or run["ProjectId"] != project:
            raise self.not_found("pipeline_run", ident)
        return run

    def run_out(self, run):
        keys = ("Id", "ProjectId", "Creator", "CreateTime", "ModifyTime", "Status", "Message", "Description")
        out = {k: run[k] for k in keys}
        out["Stages"] = [{k: s[k] for k in ("Code", "Step", "Type", "Name", "Description", "Status", "Message")}
                         for s in run["Stages"]]
        return out

    def act_GetPipelineRun(self, p):
        run = self.get_run(p["Id"], self.project(p))
        for stage in run["Stages"]:
            if stage["Status"] == "Running":
                stage["polls"] += 1
                if stage["polls"] >= self.config["stage_polls"]:
                    self.finish_stage(run, stage)
        return {"Pipeline": self.run_out(run)}

    def act_ExecPipelineRunStage(self, p):
        run = self.get_run(p["Id"], self.project(p))
        if run["Status"] != "Running":
            raise invalid(f"The pipeline run {run['Id']} is {run['Status']}; no stage can run.")
        stage = next((s for s in run["Stages"] if s["Code"] == p["Code"]), None)
        if stage is None:
            raise invalid(f"The pipeline run {run['Id']} has no stage {p['Code']} (stages: "
                          f"{', '.join(s['Code'] for s in run['Stages'])}).")
        if stage["Status"] != "Init":
            raise invalid(f"The stage {stage['Code']} is {stage['Status']}; a stage runs once.")
        for before in run["Stages"][:stage["Step"] - 1]:
            if before["Status"] != "Success":
                raise invalid(f"The stage {before['Code']} must succeed before {stage['Code']} runs "
                              f"(it is {before['Status']}).")
        self.start_stage(run, stage)
        return {"Success": True}

    def act_AbolishPipelineRun(self, p):
        run = self.get_run(p["Id"], self.project(p))
        if run["Status"] != "Running":
            raise invalid(f"The pipeline run {run['Id']} is {run['Status']} and cannot be abolished.")
        run["Status"] = "Cancel"
        for s in run["Stages"]:
            if s["Status"] in ("Init", "Running"):
                s["Status"] = "Cancel"
        run["ModifyTime"] = self.tick()
        return {"Success": True}

    def act_ListPipelineRuns(self, p):
        project = self.project(p)
        runs = sorted((r for r in self.runs.values() if r["ProjectId"] == project), key=lambda r: r["CreateTime"],
                      reverse=True)
        if p.get("Creator"):
            runs = [r for r in runs if r["Creator"] == p["Creator"]]
        if p.get("ObjectId"):
            runs = [r for r in runs if r["first"] == p["ObjectId"].strip()]
        if p.get("Status"):
            runs = [r for r in runs if r["Status"] == p["Status"]]
        number, size, page = self.page(p, runs)
        return {"PagingInfo": {"PageNumber": number, "PageSize": size, "TotalCount": len(runs),
                               "PipelineRuns": [self.run_out(r) for r in page]}}

    def act_ListPipelineRunItems(self, p):
        run = self.get_run(p["PipelineRunId"], self.project(p))
        status = {"Running": "Init"}.get(run["Status"], run["Status"])
        number, size, page = self.page(p, run["items"])
        items = [dict(i, Status=status, Message=run["Message"] if run["Status"] == "Fail" else "") for i in page]
        return {"PagingInfo": {"PageNumber": number, "PageSize": size, "TotalCount": len(run["items"]),
                               "PipelineRunItems": items}}

    # ---------------------------------------------------------------- faults and the record
    def take_fault(self, ops, action):
        ops = (ops,) if isinstance(ops, str) else ops
        for f in self.faults:
            if f["op"] in ops and f.get("action", "*") in ("*", action) and f["remaining"] > 0:
                f["remaining"] -= 1
                if f["remaining"] == 0:
                    self.faults.remove(f)
                return f
        return None

    def record(self, action, method, status, code=None, fault=None):
        with self.lock:
            if 200 <= status < 300:
                self.succeeded[action] = self.succeeded.get(action, 0) + 1
            entry = {"action": action, "method": method, "status": status, "code": code, "time": now_ms()}
            if fault:
                entry["fault"] = fault
            self.log.append(entry)
            del self.log[:-2000]

    def object_state(self, o):
        out = {"id": o["id"], "kind": o["kind"], "name": o["name"], "path": o["path"], "owner": o["owner"],
               "container_id": o["container"], "create_time": o["create_time"], "modify_time": o["modify_time"],
               "version": o["version"], "deployed": o["deployed"], "deployed_version": o["deployed_version"],
               "spec": o["doc"], "spec_text": self.render(o)}
        if o["kind"] == "node":
            out["scene"] = o.get("scene")
            out["task_id"] = str(o["task_id"]) if o["task_id"] is not None else None
        if o["kind"] == "workflow":
            out["type"] = o["type"]
            out["workflow_id"] = str(o["workflow_id"]) if o.get("workflow_id") is not None else None
        if o["kind"] == "resource":
            out["file"] = o.get("file")
        return out

    def dump(self):
        with self.lock:
            self.advance()
            projects = {}
            for pid in self.config["projects"]:
                objs = sorted((o for o in self.objects.values() if o["project"] == pid), key=lambda o: o["seq"])
                projects[str(pid)] = {
                    "nodes": [self.object_state(o) for o in objs if o["kind"] == "node"],
                    "workflows": [self.object_state(o) for o in objs if o["kind"] == "workflow"],
                    "resources": [self.object_state(o) for o in objs if o["kind"] == "resource"],
                    "functions": [self.object_state(o) for o in objs if o["kind"] == "function"],
                    "data_sources": [self.ds_out(d) for d in self.data_sources.values() if d["project"] == pid],
                    "jobs": [dict(self.job_out(j), polls=j["polls"]) for j in self.jobs.values() if j["project"] == pid],
                    "pipeline_runs": [dict(self.run_out(r), Type=r["Type"], items=[
                        {k: i[k] for k in ("Id", "Name", "Type", "Version")} for i in r["items"]])
                        for r in self.runs.values() if r["ProjectId"] == pid],
                }
            return copy.deepcopy({
                "projects": projects, "requests": self.requests, "succeeded": self.succeeded, "log": self.log,
                "faults": self.faults, "signature_failures": self.signature_failures,
                "config": {k: v for k, v in self.config.items() if k != "credentials"}})


# ---------------------------------------------------------------- control (not part of the API)
class Control:
    """`POST /__control` with one op or a list of them. Faults count requests naming `action` (the
    x-acs-action; "*" for any) that passed authentication; `count` defaults to 1:
      {"op":"throttle","action":A,"count":N,"time_left_ms":1500,"code":"Throttling.User","status":429}
          429 Throttling.User, header x-ratelimit-user-api: Limit:10,Remain:0,TimeLeft:<ms>,Reset:<epoch ms>
      {"op":"fail","action":A,"count":N,"status":500,"code":"InternalError.System","message":...,
                                                                       "echo_param":P}  (P: a parameter quoted whole in the message)
      {"op":"lose_reply","action":A,"count":N,"reset":false}   act, then close the connection unanswered
      {"op":"drop","action":A,"count":N,"reset":false}         close the connection before acting
      {"op":"delay","action":A,"count":N,"seconds":S}          wait S seconds, then go on
      {"op":"fail_stage","code":"PROD_CHECK","count":N,"message":...}   the next N runs of that stage fail
      {"op":"clear_faults"}
      {"op":"edit","id":ID,"spec":{...}|"spec_text":"...","merge":false,"owner":...,"modify_time":ms}
          someone changed the object in the console: its Spec replaced (or merged) and rewritten, its
          version and ModifyTime moved (to modify_time when given)
      {"op":"edit","data_source_id":N,"connection_properties":{...},"description":...}
      {"op":"delete","id":ID} / {"op":"delete","data_source_id":N}   someone deleted it (deployed or not)
      {"op":"config", "not_found_style":"invalid-param"|"notfound"|"opaque", "id_style":"live"|"string"|"number",
          "job_polls":N, "job_seconds":S, "stage_polls":N, "stage_seconds":S, "owner":..., "projects":[...],
          "stages":{"Online":[[code,type,name],...],"Offline":[...]}}
    """

    def __init__(self, state):
        self.state = state

    def apply(self, op):
        st = self.state
        kind = op.get("op")
        if kind in ("throttle", "fail", "lose_reply", "drop", "delay", "fail_stage"):
            fault = dict(op)
            fault["remaining"] = int(op.get("count", 1))
            if kind == "fail_stage":
                if not op.get("code"):
                    raise ValueError("fail_stage needs the stage's code")
                fault["action"] = op["code"]
            elif fault.setdefault("action", "*") != "*" and fault["action"] not in ACTIONS:
                raise ValueError(f"unknown action {fault['action']}")
            st.faults.append(fault)
        elif kind == "clear_faults":
            st.faults.clear()
        elif kind == "edit" and "data_source_id" in op:
            d = st.get_ds(str(op["data_source_id"]))
            if "connection_properties" in op:
                d["props"] = op["connection_properties"]
            if "description" in op:
                d["Description"] = op["description"]
            d["ModifyTime"] = int(op.get("modify_time") or st.tick())
        elif kind == "edit":
            obj = st.objects.get(str(op.get("id")))
            if obj is None:
                raise ValueError(f"no object {op.get('id')}")
            if "spec" in op or "spec_text" in op:
                doc = op["spec"] if "spec" in op else json.loads(op["spec_text"])
                entry = doc["spec"][KINDS[obj["kind"]][0]][0]
                if op.get("merge"):
                    doc, entry = merge(obj["doc"], doc), merge(st.entry_of(obj), entry)
                st.rewrite(obj, doc, entry)
            if "owner" in op:
                obj["owner"] = str(op["owner"])
                obj["doc"]["metadata"]["owner"] = obj["owner"]
            st.touched(obj)
            if op.get("modify_time") is not None:
                obj["modify_time"] = int(op["modify_time"])
        elif kind == "delete":
            if "data_source_id" in op:
                st.data_sources.pop(int(op["data_source_id"]), None)
            else:
                obj = st.objects.get(str(op.get("id")))
                if obj is None:
                    raise ValueError(f"no object {op.get('id')}")
                st.delete_object(obj)
        elif kind == "config":
            for key in ("not_found_style", "id_style", "job_polls", "job_seconds", "stage_polls", "stage_seconds",
                        "owner", "projects", "stages"):
                if key in op:
                    st.config[key] = op[key] if key != "projects" else [int(x) for x in op[key]]
            check_config(st.config)
        else:
            raise ValueError(f"unknown op {kind!r}")


def check_config(config):
    if config["not_found_style"] not in ("invalid-param", "notfound", "opaque"):
        raise ValueError("not_found_style must be invalid-param, notfound or opaque")
    if config["id_style"] not in ("live", "string", "number"):
        raise ValueError("id_style must be live, string or number")


# ---------------------------------------------------------------- HTTP
class Handler(BaseHTTPRequestHandler):
    server_version = "ferry-test-dataworks"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.log_date_time_string(), fmt % args))

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_json(self, status, obj, headers=None):
        data = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def drop(self, reset=False):
        """Close without answering (a FIN, or with `reset` a TCP RST)."""
        self.close_connection = True
        try:
            if reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def handle_any(self):
        try:
            body = self.read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith("/__"):
            return self.control(url.path, body)
        st = self.server.state
        action = (self.headers.get("x-acs-action") or "").strip()
        with st.lock:
            st.requests[action] = st.requests.get(action, 0) + 1
        request_id = str(uuid.uuid4()).upper()
        try:
            self.api(url, body, action, request_id)
        except ApiError as e:
            st.record(action, self.command, e.status, e.code)
            self.log_message("%s %s -> %d %s %s", self.command, action, e.status, e.code, e.message)
            self.send_json(e.status, {"RequestId": request_id, "HostId": self.headers.get("Host", ""),
                                      "Code": e.code, "Message": e.message},
                           dict(e.headers, **{"x-acs-request-id": request_id}))
        except Exception as e:  # a bug of the double: say so as the service would, and log it
            traceback.print_exc()
            st.record(action, self.command, 500, "InternalError.System")
            self.send_json(500, {"RequestId": request_id, "HostId": self.headers.get("Host", ""),
                                 "Code": "InternalError.System", "Message": f"fake_dataworks: {e!r}"})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

    def header_map(self):
        headers = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), []).append(value)
        return headers

    def authenticate(self, url, body, headers):
        st = self.server.state
        auth = self.headers.get("Authorization")
        m = AUTH_RE.match(auth.strip()) if auth else None
        if not m:
            if auth and re.match(r"^ACS3-[A-Z0-9-]+ ", auth) and not auth.startswith(ALGORITHM + " "):
                raise ApiError(400, "InvalidSignatureMethod", "Specified signature method is not supported.")
            raise ApiError(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.")
        algorithm, ak, signed_text, sig = m.groups()
        if algorithm != ALGORITHM:
            raise ApiError(400, "InvalidSignatureMethod", "Specified signature method is not supported.")
        signed = sorted({h.strip().lower() for h in signed_text.split(";") if h.strip()})
        for h in REQUIRED_SIGNED + tuple(n for n in headers if n.startswith("x-acs-")):
            if h not in signed:
                raise ApiError(400, "IncompleteSignature",
                               f"The request signature does not conform to Aliyun standards. "
                               f"Header {h} must be present and signed.")
        for h in signed:
            if h not in headers:
                raise ApiError(400, "IncompleteSignature",
                               f"The request signature does not conform to Aliyun standards. "
                               f"SignedHeaders names {h}, which the request does not carry.")
        credentials = st.config["credentials"]
        if ak not in credentials:
            raise ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        secret, token = credentials[ak]
        if token is not None and (self.headers.get("x-acs-security-token") or "").strip() != token:
            raise ApiError(400, "InvalidSecurityToken.MismatchWithAccessKey",
                           "The security token does not match the access key.")
        date = headers["x-acs-date"][0].strip()
        dm = DATE_RE.match(date)
        try:
            sent = calendar.timegm(tuple(int(x) for x in dm.groups()) + (0, 0, 0)) if dm else None
            if dm:
                time.strptime(date, "%Y-%m-%dT%H:%M:%SZ")  # refuses 2025-13-40T...
        except ValueError:
            sent = None
        if sent is None:
            raise ApiError(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")
        if abs(time.time() - sent) > MAX_SKEW_S:
            raise ApiError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
        payload_hash = hashlib.sha256(body).hexdigest()
        query = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
        cr = canonical_request(self.command, "/", query, headers, signed, payload_hash)
        sts = string_to_sign(cr)
        sent_hash = headers["x-acs-content-sha256"][0].strip()
        if sent_hash != payload_hash or not hmac.compare_digest(signature(secret, sts), sig):
            with st.lock:
                st.signature_failures.append({"canonical_request": cr, "string_to_sign": sts,
                                              "body_sha256": payload_hash, "x-acs-content-sha256": sent_hash})
                del st.signature_failures[:-20]
            self.log_message("signature mismatch; server canonical request:\n%s", cr)
            raise ApiError(400, "SignatureDoesNotMatch",
                           f"Specified signature does not match our calculation. server StringToSign is "
                           f"[{sts.replace(chr(10), ' ')}]")
        nonce = headers["x-acs-signature-nonce"][0].strip()
        with st.lock:
            horizon = time.time() - 2 * MAX_SKEW_S
            for n in [n for n, t in st.nonces.items() if t < horizon]:
                del st.nonces[n]
            if nonce in st.nonces:
                raise ApiError(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
            st.nonces[nonce] = time.time()
        return query

    def params(self, action, query, body):
        _, places, required = ACTIONS[action]
        qd = dict(query)
        bd = {}
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if body and ctype == "application/x-www-form-urlencoded":
            try:
                bd = dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict"))
            except (UnicodeDecodeError, ValueError):
                raise invalid("the form body is not UTF-8 application/x-www-form-urlencoded")
        # A parameter counts only where the API puts it (ref 1): elsewhere it is as if absent.
        p = {name: (qd if where == Q else bd).get(name) for name, where in places.items()}
        p = {k: v for k, v in p.items() if v is not None}
        for name in required:
            if p.get(name, "") == "":
                raise ApiError(400, f"Missing{name}", f"{name} is mandatory for this action.")
        return p

    def api(self, url, body, action, request_id):
        st = self.server.state
        if url.path != "/":
            raise ApiError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
        headers = self.header_map()
        query = self.authenticate(url, body, headers)
        version = headers["x-acs-version"][0].strip()
        if version != API_VERSION or action not in ACTIONS or ACTIONS[action][0] != self.command:
            raise ApiError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
        with st.lock:
            fault = st.take_fault(("drop", "throttle", "fail", "delay"), action)
        if fault is not None:
            if fault["op"] == "drop":
                st.record(action, self.command, 0, None, "drop")
                self.log_message("%s %s -> dropped before acting", self.command, action)
                return self.drop(fault.get("reset", False))
            if fault["op"] == "throttle":
                left = int(fault.get("time_left_ms", 1000))
                header = f"Limit:10,Remain:0,TimeLeft:{left},Reset:{now_ms() + left}"
                raise ApiError(int(fault.get("status", 429)), fault.get("code", "Throttling.User"),
                               "Request was denied due to user flow control.", {"x-ratelimit-user-api": header})
            if fault["op"] == "fail":
                message = fault.get("message", "An internal error occurred; try again later.")
                if fault.get("echo_param"):  # as a server may quote a parameter it refuses, whole
                    message += " " + fault["echo_param"] + "=" + str(self.params(action, query, body).get(fault["echo_param"], ""))
                raise ApiError(int(fault.get("status", 500)), fault.get("code", "InternalError.System"), message)
            if fault["op"] == "delay":
                time.sleep(float(fault.get("seconds", 1)))
        p = self.params(action, query, body)
        extra = {}
        if action in ("CreateResource", "UpdateResource") and p.get("ResourceFile"):
            extra["file"] = download(p["ResourceFile"])  # outside the lock: it may take a while
        with st.lock:
            st.advance()
            result = getattr(st, "act_" + action)(p, **extra)
            lost = st.take_fault("lose_reply", action)
        st.record(action, self.command, 200, None, "lose_reply" if lost else None)
        if lost is not None:
            self.log_message("%s %s -> acted, reply lost", self.command, action)
            return self.drop(lost.get("reset", False))
        self.log_message("%s %s -> 200", self.command, action)
        self.send_json(200, dict({"RequestId": request_id}, **result), {"x-acs-request-id": request_id})

    def control(self, path, body):
        st = self.server.state
        try:
            if path == "/__state" and self.command == "GET":
                return self.send_json(200, st.dump())
            if path == "/__reset" and self.command == "POST":
                st.reset()
                return self.send_json(200, {"ok": True})
            if path == "/__control" and self.command == "POST":
                ops = json.loads(body or b"{}")
                with st.lock:
                    for op in ops if isinstance(ops, list) else [ops]:
                        Control(st).apply(op)
                return self.send_json(200, {"ok": True})
            return self.send_json(404, {"ok": False, "error": f"no control {self.command} {path}"})
        except (ValueError, KeyError, TypeError, IndexError, ApiError) as e:
            return self.send_json(400, {"ok": False, "error": getattr(e, "message", None) or repr(e)})


def download(link):
    """ResourceFile is an OSS download link (ref 5): fetch it, keep its SHA-256 and size."""
    if not re.match(r"^https?://", link):
        raise invalid("ResourceFile must be an http(s) download link (a presigned OSS URL); "
                      "this service takes no inline file content")
    digest, size = hashlib.sha256(), 0
    try:
        with urllib.request.urlopen(link, timeout=60) as r:
            while True:
                chunk = r.read(1 << 20)
                if not chunk:
                    break
                digest.update(chunk)
                size += len(chunk)
    except urllib.error.HTTPError as e:
        raise invalid(f"ResourceFile could not be downloaded: HTTP {e.code} from {link.split('?')[0]}")
    except (urllib.error.URLError, OSError) as e:
        raise invalid(f"ResourceFile could not be downloaded from {link.split('?')[0]}: {e}")
    return {"url": link.split("?")[0], "sha256": digest.hexdigest(), "size": size}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 resets bursts of connections, which would look like a fault

    def handle_error(self, request, client_address):
        sys.stderr.write("connection from %s ended: %r\n" % (client_address, sys.exc_info()[1]))


# ---------------------------------------------------------------- start / stop / main
def exports(port, projects, ak, sk):
    return "\n".join([
        f"export FERRY_TEST_DATAWORKS_ENDPOINT=http://127.0.0.1:{port}",
        f"export FERRY_TEST_DATAWORKS_PROJECT={projects[0]}",
        f"export FERRY_TEST_DATAWORKS_PROJECTS={','.join(str(p) for p in projects)}",
        f"export FERRY_TEST_DATAWORKS_ACCESS_KEY_ID={ak}",
        f"export FERRY_TEST_DATAWORKS_ACCESS_KEY_SECRET={sk}",
        f"export FERRY_TEST_DATAWORKS_STS_ACCESS_KEY_ID={STS_AK}",
        f"export FERRY_TEST_DATAWORKS_STS_ACCESS_KEY_SECRET={STS_SK}",
        f"export FERRY_TEST_DATAWORKS_STS_SECURITY_TOKEN={STS_TOKEN}",
    ])


def start(directory, port, extra):
    """The start|stop DIR PORT interface of the other scripts in tests/servers (tests/run.sh uses it)."""
    os.makedirs(directory, exist_ok=True)
    stop(directory)
    portfile = os.path.join(directory, "fake_dataworks.port")
    if os.path.exists(portfile):
        os.remove(portfile)
    with open(os.path.join(directory, "fake_dataworks.log"), "ab") as log:
        proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--port", str(port),
                                 "--port-file", portfile] + extra,
                                stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    with open(os.path.join(directory, "fake_dataworks.pid"), "w") as f:
        f.write(str(proc.pid))
    deadline = time.time() + 10
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"fake_dataworks: the server exited with {proc.returncode}; "
                             f"see {directory}/fake_dataworks.log")
        if os.path.exists(portfile):
            with open(portfile) as f:
                info = json.load(f)
            print(exports(info["port"], info["projects"], info["access_key_id"], info["access_key_secret"]))
            return 0
        time.sleep(0.05)
    proc.terminate()
    raise SystemExit("fake_dataworks: the server did not listen within 10 s")


def stop(directory):
    pidfile = os.path.join(directory, "fake_dataworks.pid")
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
        os.remove(pidfile)
        os.kill(pid, signal.SIGTERM)
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return 0


def main():
    if len(sys.argv) >= 2 and sys.argv[1] in ("start", "stop"):
        if len(sys.argv) < 4:
            raise SystemExit(f"usage: {sys.argv[0]} start|stop DIR PORT [server options]")
        if self_test(verbose=False) != 0:  # stdout carries only the export lines
            raise SystemExit("fake_dataworks: the signing self-test failed")
        return start(sys.argv[2], sys.argv[3], sys.argv[4:]) if sys.argv[1] == "start" else stop(sys.argv[2])
    env = os.environ.get
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--self-test", action="store_true", help="check the signing code against the vectors, exit")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", help="written (JSON: port, projects, credentials) once listening")
    ap.add_argument("--project", type=int, action="append", help=f"a workspace id (repeatable; default "
                                                                 f"{' '.join(map(str, DEFAULT_PROJECTS))})")
    ap.add_argument("--access-key-id", default=env("FERRY_TEST_DATAWORKS_ACCESS_KEY_ID", DEFAULT_AK))
    ap.add_argument("--access-key-secret", default=env("FERRY_TEST_DATAWORKS_ACCESS_KEY_SECRET", DEFAULT_SK))
    ap.add_argument("--security-token", default=env("FERRY_TEST_DATAWORKS_SECURITY_TOKEN"),
                    help="require this x-acs-security-token with the AccessKey above")
    ap.add_argument("--owner", default=DEFAULT_OWNER, help="the caller's account id (owner of new objects)")
    ap.add_argument("--seed", type=int, default=None, help="seed of the id generator (default: random)")
    ap.add_argument("--not-found-style", default="invalid-param", choices=["invalid-param", "notfound", "opaque"])
    ap.add_argument("--id-style", default="live", choices=["live", "string", "number"])
    ap.add_argument("--job-polls", type=int, default=2, help="GetJobStatus calls until an import job ends")
    ap.add_argument("--job-seconds", type=float, default=3.0, help="seconds until an import job ends unpolled")
    ap.add_argument("--stage-polls", type=int, default=1, help="GetPipelineRun calls until a running stage ends")
    ap.add_argument("--stage-seconds", type=float, default=3.0, help="seconds until a running stage ends unpolled")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if self_test(verbose=False) != 0:
        return 1
    credentials = {args.access_key_id: (args.access_key_secret, args.security_token), STS_AK: (STS_SK, STS_TOKEN)}
    config = {"projects": args.project or list(DEFAULT_PROJECTS), "credentials": credentials, "owner": args.owner,
              "seed": args.seed, "not_found_style": args.not_found_style, "id_style": args.id_style,
              "job_polls": args.job_polls, "job_seconds": args.job_seconds, "stage_polls": args.stage_polls,
              "stage_seconds": args.stage_seconds, "stages": copy.deepcopy(DEFAULT_STAGES)}
    check_config(config)
    server = Server((args.bind, args.port), Handler)
    server.state = State(config)
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"port": port, "projects": config["projects"], "access_key_id": args.access_key_id,
                       "access_key_secret": args.access_key_secret}, f)
        os.replace(tmp, args.port_file)
    sys.stderr.write(f"fake_dataworks listening on {args.bind}:{port}, workspaces {config['projects']}\n")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

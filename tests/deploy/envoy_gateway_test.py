"""Envoy's gRPC-JSON transcoder (deploy/k8s/base/envoy.yaml) against the API.

Envoy is not packaged by Debian, so it cannot run here; this checks what
Envoy would check at start and what it would serve: the filter chain, the
descriptor set's path in the pod, the services (present in the descriptor
set the image carries), the upstream cluster (HTTP/2 to the headless
Service on the server's port), and the HTTP routes the google.api.http rules
imply, one per method, none ambiguous. Run by CTest (label deploy) with:
  KUBECTL, PHOTOFLOW_DESCRIPTOR_SET, PHOTOFLOW_SERVER_BINARY, PHOTOFLOW_REPO
"""

import os
import re
import sys
import unittest

import yaml
from google.protobuf import descriptor_pb2

sys.path.insert(0, os.path.dirname(__file__))
from k8s_manifests_test import Overlay, server_defaults  # noqa: E402

TRANSCODER = "envoy.filters.http.grpc_json_transcoder"
HTTP_RULE_FIELD = 72295728  # google.api.http, an extension of MethodOptions
VERBS = {2: "GET", 3: "PUT", 4: "POST", 5: "DELETE", 6: "PATCH"}


def fields(data):
    """(number, wire type, value) of each field of a serialized message."""
    position = 0

    def varint():
        nonlocal position
        value, shift = 0, 0
        while True:
            byte = data[position]
            position += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    while position < len(data):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            yield number, wire, varint()
        elif wire == 2:
            length = varint()
            yield number, wire, data[position:position + length]
            position += length
        elif wire == 5:
            yield number, wire, data[position:position + 4]
            position += 4
        elif wire == 1:
            yield number, wire, data[position:position + 8]
            position += 8
        else:
            raise ValueError(f"wire type {wire}")


def http_rules(method):
    """[(verb, path, body)] of a method's google.api.http option."""
    rules = []
    for number, _, value in fields(method.options.SerializeToString()):
        if number != HTTP_RULE_FIELD:
            continue
        verb = path = body = None
        for rule_number, _, rule_value in fields(value):
            if rule_number in VERBS:
                verb, path = VERBS[rule_number], rule_value.decode()
            elif rule_number == 7:
                body = rule_value.decode()
        rules.append((verb, path, body))
    return rules


def find(config, name):
    """Every dict in config whose "name" is name."""
    if isinstance(config, dict):
        if config.get("name") == name:
            yield config
        for value in config.values():
            yield from find(value, name)
    elif isinstance(config, list):
        for value in config:
            yield from find(value, name)


class EnvoyGatewayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.overlay = Overlay("prod")
        config_map = cls.overlay.one("ConfigMap", "photoflow-http-gateway")
        cls.envoy = yaml.safe_load(config_map["data"]["envoy.yaml"])
        descriptors = descriptor_pb2.FileDescriptorSet()
        with open(os.environ["PHOTOFLOW_DESCRIPTOR_SET"], "rb") as file:
            descriptors.ParseFromString(file.read())
        cls.services = {f"{f.package}.{s.name}": s for f in descriptors.file for s in f.service}
        cls.messages = {f".{f.package}.{m.name}": m for f in descriptors.file
                        for m in f.message_type}
        cls.transcoder = next(find(cls.envoy, TRANSCODER))["typed_config"]

    def gateway_pod(self):
        return self.overlay.one("Deployment", "photoflow-http-gateway")["spec"]["template"]["spec"]

    def test_the_transcoder_runs_before_the_router(self):
        (manager,) = find(self.envoy, "envoy.filters.network.http_connection_manager")
        names = [f["name"] for f in manager["typed_config"]["http_filters"]]
        self.assertEqual(names, [TRANSCODER, "envoy.filters.http.router"])
        self.assertTrue(self.transcoder["@type"].endswith(".v3.GrpcJsonTranscoder"))
        self.assertTrue(self.transcoder["convert_grpc_status"])
        self.assertTrue(self.transcoder["request_validation_options"]["reject_unknown_method"])

    def test_the_descriptor_set_is_where_the_init_container_copies_it(self):
        path = self.transcoder["proto_descriptor"]
        folder, _, file_name = path.rpartition("/")
        self.assertEqual(file_name, "photoflow.pb")
        pod = self.gateway_pod()
        (copy,) = pod["initContainers"]
        self.assertEqual(copy["command"][-1].rstrip("/"), folder)
        self.assertTrue(copy["command"][-2].endswith("/photoflow.pb"))
        (envoy,) = pod["containers"]
        mounts = {m["mountPath"]: m["name"] for m in envoy["volumeMounts"]}
        self.assertEqual(mounts[folder],
                         {m["mountPath"]: m["name"] for m in copy["volumeMounts"]}[folder])
        self.assertIn("/etc/envoy", mounts)
        self.assertEqual(envoy["args"][envoy["args"].index("--config-path") + 1],
                         "/etc/envoy/envoy.yaml")
        # The servers' image, so that the descriptors match the servers.
        server = self.overlay.server()["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(copy["image"], server["image"])

    def test_the_services_are_the_apis_and_the_upstream_is_the_servers_grpc_port(self):
        self.assertEqual(set(self.transcoder["services"]),
                         {name for name in self.services if name.startswith("photoflow.v1.")})
        (cluster,) = self.envoy["static_resources"]["clusters"]
        options = cluster["typed_extension_protocol_options"][
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]
        self.assertIn("http2_protocol_options", options["explicit_http_config"])
        address = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"][
            "address"]["socket_address"]
        headless = [s for s in self.overlay.all("Service")
                    if s["metadata"]["name"] == address["address"]]
        self.assertEqual(len(headless), 1, address)
        self.assertEqual(headless[0]["spec"]["clusterIP"], "None")
        grpc_port = int(server_defaults()["PHOTOFLOW_LISTEN"].rpartition(":")[2])
        self.assertEqual(address["port_value"], grpc_port)
        # Every transcoded call's gRPC path is routed to that cluster.
        routes = [r for r in find(self.envoy, "photoflow") if "virtual_hosts" in r]
        (route,) = routes[0]["virtual_hosts"][0]["routes"]
        self.assertEqual(route["route"]["cluster"], cluster["name"])
        for service_name, service in self.services.items():
            if service_name in self.transcoder["services"]:
                for method in service.method:
                    self.assertTrue(f"/{service_name}/{method.name}".startswith(
                        route["match"]["prefix"]))

    def test_the_error_details_the_server_sends_can_be_turned_into_json(self):
        # convert_grpc_status needs every type that google.rpc.Status may
        # carry in its details (api/rpc_status.cpp packs these).
        self.assertTrue(self.transcoder["convert_grpc_status"])
        for name in ("google.rpc.Status", "google.rpc.ErrorInfo", "google.rpc.BadRequest",
                     "google.rpc.RetryInfo"):
            with self.subTest(type=name):
                self.assertIn("." + name, self.messages)

    def test_every_method_has_one_unambiguous_http_route(self):
        seen = {}
        for service_name in self.transcoder["services"]:
            for method in self.services[service_name].method:
                rules = http_rules(method)
                with self.subTest(method=method.name):
                    self.assertEqual(len(rules), 1, rules)
                    verb, path, body = rules[0]
                    self.assertTrue(path.startswith("/v1/"), path)
                    # Path variables name fields of the request message.
                    request = self.messages[method.input_type]
                    for variable in re.findall(r"\{([^}=]+)", path):
                        self.assertIn(variable.split(".")[0], {f.name for f in request.field})
                    if body:
                        self.assertIn(body, {f.name for f in request.field} | {"*"})
                    self.assertEqual(verb in ("POST", "PATCH", "PUT"), bool(body))
                    template = re.sub(r"\{[^}]+\}", "{}", path)
                    self.assertNotIn((verb, template), seen, f"also {seen.get((verb, template))}")
                    seen[(verb, template)] = method.name
                    print(f"{verb:6} {path:40} -> {service_name}/{method.name}")
        self.assertGreaterEqual(len(seen), 10)


if __name__ == "__main__":
    unittest.main()

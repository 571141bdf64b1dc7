"""The Kubernetes manifests (deploy/k8s), rendered by kubectl kustomize.

Each overlay is rendered as an operator would apply it, and the objects are
checked against each other and against the server: probes, ports, security
context, resources, image tags, labels, the Secrets and ConfigMaps the pods
read, the migrate Job, the CronJobs, the PostgreSQL of each overlay, and the
PrometheusRule. Run by CTest (label deploy) with:
  KUBECTL, PHOTOFLOW_SERVER_BINARY, PHOTOFLOW_ADMIN_BINARY, PHOTOFLOW_REPO
"""

import os
import pathlib
import re
import subprocess
import unittest
from urllib.parse import parse_qs, urlsplit

import yaml

REPO = pathlib.Path(os.environ["PHOTOFLOW_REPO"])
KUBECTL = os.environ.get("KUBECTL", "kubectl")
SERVER = os.environ["PHOTOFLOW_SERVER_BINARY"]
ADMIN = os.environ.get("PHOTOFLOW_ADMIN_BINARY", "")
APP_LABELS = {"app.kubernetes.io/name": "photoflow", "app.kubernetes.io/part-of": "photoflow"}
WORKLOADS = {"Deployment", "StatefulSet", "Job", "CronJob"}
# Secrets made outside the overlay: by CloudNativePG (photoflow-db-app,
# photoflow-db-ca) or by the operator before applying (photoflow-server-db).
PROD_EXTERNAL_SECRETS = {"photoflow-db-app", "photoflow-db-ca", "photoflow-server-db"}


def render(overlay):
    result = subprocess.run([KUBECTL, "kustomize", str(REPO / "deploy/k8s/overlays" / overlay)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise AssertionError(f"kubectl kustomize {overlay} failed:\n{result.stderr}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def server_settings():
    """Setting name -> default ("" when derived), from photoflow-server --help."""
    text = subprocess.run([SERVER, "--help"], capture_output=True, text=True, check=True,
                          env={"PATH": os.environ.get("PATH", "")}).stdout
    settings = dict.fromkeys(re.findall(r"env (PHOTOFLOW_\w+)", text), "")
    settings.update(re.findall(r"env (PHOTOFLOW_\w+), default (\S+?)\.?(?=\s)", text))
    return settings


def server_defaults():
    return server_settings()


def pod_spec(obj):
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj["spec"]["template"]["spec"]


def pod_labels(obj):
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
    return obj["spec"]["template"]["metadata"]["labels"]


def containers(obj):
    spec = pod_spec(obj)
    return spec.get("initContainers", []) + spec["containers"]


def command_line(container):
    return " ".join(container.get("command", []) + container.get("args", []))


def selects(selector, labels):
    return all(labels.get(key) == value for key, value in selector.items())


class Overlay:
    def __init__(self, name):
        self.name = name
        self.objects = render(name)

    def all(self, kind):
        return [o for o in self.objects if o["kind"] == kind]

    def one(self, kind, name):
        # Generated ConfigMaps and Secrets carry a hash suffix.
        pattern = re.compile(re.escape(name) + r"(-[a-z0-9]{10})?")
        found = [o for o in self.objects
                 if o["kind"] == kind and pattern.fullmatch(o["metadata"]["name"])]
        if len(found) != 1:
            raise AssertionError(f"{self.name}: {len(found)} {kind} named {name}*")
        return found[0]

    def workloads(self):
        return [o for o in self.objects if o["kind"] in WORKLOADS]

    def server(self):
        return self.one("Deployment", "photoflow")

    def config(self, name):
        return self.one("ConfigMap", name)["data"]


class ManifestChecks:
    """Checks every overlay must pass; mixed into one TestCase per overlay."""

    overlay_name = ""

    @classmethod
    def setUpClass(cls):
        cls.overlay = Overlay(cls.overlay_name)
        cls.defaults = server_defaults()

    def server_container(self):
        (container,) = [c for c in self.overlay.server()["spec"]["template"]["spec"]["containers"]
                        if c["name"] == "photoflow"]
        return container

    def test_every_object_carries_the_app_labels(self):
        for obj in self.overlay.objects:
            labels = obj["metadata"].get("labels", {})
            with self.subTest(kind=obj["kind"], name=obj["metadata"]["name"]):
                self.assertTrue(selects(APP_LABELS, labels), labels)
                if obj["kind"] in WORKLOADS:
                    self.assertTrue(selects(APP_LABELS, pod_labels(obj)))

    def test_every_image_has_an_explicit_tag(self):
        images = [c["image"] for o in self.overlay.workloads() for c in containers(o)]
        images += [o["spec"]["imageName"] for o in self.overlay.all("Cluster")]
        self.assertTrue(images)
        for image in images:
            with self.subTest(image=image):
                name, _, tag = image.rpartition("/")[2].partition(":")
                self.assertTrue(name)
                self.assertTrue(tag and tag != "latest" or "@sha256:" in image, image)

    def test_pods_run_unprivileged_with_a_read_only_root(self):
        for obj in self.overlay.workloads():
            spec = pod_spec(obj)
            with self.subTest(workload=obj["metadata"]["name"]):
                self.assertIs(spec["securityContext"]["runAsNonRoot"], True)
                self.assertEqual(spec["securityContext"]["seccompProfile"]["type"], "RuntimeDefault")
                self.assertIs(spec.get("automountServiceAccountToken"), False)
            for container in containers(obj):
                context = container["securityContext"]
                with self.subTest(workload=obj["metadata"]["name"], container=container["name"]):
                    self.assertIs(context["allowPrivilegeEscalation"], False)
                    self.assertIs(context["readOnlyRootFilesystem"], True)
                    self.assertIs(context.get("privileged", False), False)
                    self.assertEqual(context["capabilities"]["drop"], ["ALL"])

    def test_pods_get_the_databases_ca_certificate_and_never_its_key(self):
        for obj in self.overlay.workloads():
            for volume in pod_spec(obj).get("volumes", []):
                secret = volume.get("secret", {})
                if secret.get("secretName") == "photoflow-db-ca":
                    with self.subTest(workload=obj["metadata"]["name"]):
                        self.assertEqual(secret["items"], [{"key": "ca.crt", "path": "ca.crt"}])

    def test_no_password_is_on_a_command_line(self):
        for obj in self.overlay.workloads():
            for container in containers(obj):
                line = command_line(container)
                with self.subTest(workload=obj["metadata"]["name"], container=container["name"]):
                    # Only as an environment assignment in front of a command.
                    rest = re.sub(r'PGPASSWORD="\$\w+" ', "", line)
                    self.assertNotIn("PASSWORD", rest)
                    self.assertNotIn("app_password", rest)
                    self.assertNotIn("$DATABASE_URL", rest)

    def test_every_container_has_cpu_and_memory_requests_and_limits(self):
        for obj in self.overlay.workloads():
            for container in containers(obj):
                resources = container["resources"]
                with self.subTest(workload=obj["metadata"]["name"], container=container["name"]):
                    for bound in ("requests", "limits"):
                        self.assertEqual(set(resources[bound]), {"cpu", "memory"})

    def test_ports_and_probes_match_the_servers_defaults(self):
        grpc_port = int(self.defaults["PHOTOFLOW_LISTEN"].rpartition(":")[2])
        metrics_port = int(self.defaults["PHOTOFLOW_METRICS_LISTEN"].rpartition(":")[2])
        container = self.server_container()
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        self.assertEqual(ports, {"grpc": grpc_port, "metrics": metrics_port})
        settings = self.overlay.config("photoflow-config")
        self.assertEqual(settings["PHOTOFLOW_LISTEN"].rpartition(":")[2], str(grpc_port))
        self.assertEqual(settings["PHOTOFLOW_METRICS_LISTEN"].rpartition(":")[2],
                         str(metrics_port))
        for key in settings:
            self.assertIn(key, self.defaults, f"{key} is not a setting of photoflow-server")
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            with self.subTest(probe=probe):
                self.assertEqual(container[probe]["grpc"]["port"], grpc_port)
        # Readiness follows the database (the overall service, ""); liveness
        # and startup ask for the process only, so that a PostgreSQL outage
        # takes pods out of rotation without restarting them.
        self.assertEqual(container["readinessProbe"]["grpc"].get("service", ""), "")
        self.assertEqual(container["livenessProbe"]["grpc"]["service"], "liveness")
        self.assertEqual(container["startupProbe"]["grpc"]["service"], "liveness")

    def test_termination_grace_outlasts_the_prestop_pause_and_the_drain(self):
        spec = self.overlay.server()["spec"]["template"]["spec"]
        settings = self.overlay.config("photoflow-config")
        drain = float(settings.get("PHOTOFLOW_SHUTDOWN_GRACE",
                                   self.defaults["PHOTOFLOW_SHUTDOWN_GRACE"]))
        pause = float(self.server_container()["lifecycle"]["preStop"]["exec"]["command"][-1])
        self.assertGreater(spec["terminationGracePeriodSeconds"], pause + drain + 5)

    def test_the_server_spreads_over_zones_and_nodes(self):
        spec = self.overlay.server()["spec"]["template"]["spec"]
        keys = {c["topologyKey"] for c in spec["topologySpreadConstraints"]}
        self.assertEqual(keys, {"topology.kubernetes.io/zone", "kubernetes.io/hostname"})
        labels = self.overlay.server()["spec"]["template"]["metadata"]["labels"]
        for constraint in spec["topologySpreadConstraints"]:
            self.assertTrue(selects(constraint["labelSelector"]["matchLabels"], labels))

    def test_services_pdb_hpa_policy_and_monitor_point_at_the_servers(self):
        server = self.overlay.server()
        labels = server["spec"]["template"]["metadata"]["labels"]
        self.assertTrue(selects(server["spec"]["selector"]["matchLabels"], labels))
        services = {s["metadata"]["name"]: s for s in self.overlay.all("Service")}
        for name in ("photoflow", "photoflow-headless"):
            with self.subTest(service=name):
                self.assertTrue(selects(services[name]["spec"]["selector"], labels))
                for port in services[name]["spec"]["ports"]:
                    self.assertIn(port["targetPort"], {p["name"] for p in
                                                       self.server_container()["ports"]})
        self.assertEqual(services["photoflow-headless"]["spec"]["clusterIP"], "None")
        pdb = self.overlay.one("PodDisruptionBudget", "photoflow")
        self.assertTrue(selects(pdb["spec"]["selector"]["matchLabels"], labels))
        hpa = self.overlay.one("HorizontalPodAutoscaler", "photoflow")
        self.assertEqual(hpa["spec"]["scaleTargetRef"]["name"], server["metadata"]["name"])
        # The HPA owns the count: a replicas field would reset it on every apply.
        self.assertNotIn("replicas", server["spec"])
        self.assertLessEqual(hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"])
        policy = self.overlay.one("NetworkPolicy", "photoflow")
        self.assertTrue(selects(policy["spec"]["podSelector"]["matchLabels"], labels))
        allowed = {p["port"] for rule in policy["spec"]["ingress"] for p in rule["ports"]}
        self.assertEqual(allowed, {p["containerPort"] for p in self.server_container()["ports"]})
        monitor = self.overlay.one("ServiceMonitor", "photoflow")
        (scraped,) = [s for s in services.values()
                      if selects(monitor["spec"]["selector"]["matchLabels"],
                                 s["metadata"]["labels"]) and
                      any(p["name"] == "metrics" for p in s["spec"]["ports"])]
        self.assertEqual(scraped["metadata"]["name"], "photoflow")
        self.assertEqual(monitor["spec"]["endpoints"][0]["port"], "metrics")

    def test_every_secret_and_configmap_a_pod_reads_exists_with_the_key(self):
        rendered = {(o["kind"], o["metadata"]["name"]): o for o in self.overlay.objects
                    if o["kind"] in ("Secret", "ConfigMap")}
        for obj in self.overlay.workloads():
            for container in containers(obj):
                defined = set()
                for env in container.get("env", []):
                    source = env.get("valueFrom", {})
                    for kind, ref_name in (("Secret", "secretKeyRef"),
                                           ("ConfigMap", "configMapKeyRef")):
                        if ref_name not in source:
                            continue
                        ref = source[ref_name]
                        with self.subTest(workload=obj["metadata"]["name"], env=env["name"]):
                            target = rendered.get((kind, ref["name"]))
                            if target is None:
                                self.assertEqual(kind, "Secret")
                                self.assertTrue(self.external_secret(ref["name"]), ref["name"])
                            elif not ref.get("optional"):
                                keys = set(target.get("data", {})) | set(
                                    target.get("stringData", {}))
                                self.assertIn(ref["key"], keys)
                    # $(VAR) expands only variables defined before it.
                    for used in re.findall(r"\$\((\w+)\)", env.get("value", "")):
                        self.assertIn(used, defined, f"{env['name']} uses $({used}) before it")
                    defined.add(env["name"])

    def external_secret(self, name):
        return False

    def test_the_migrate_job_applies_migrations_then_the_app_role_as_the_owner(self):
        job = self.overlay.one("Job", "photoflow-migrate")
        (container,) = job["spec"]["template"]["spec"]["containers"]
        script = command_line(container)
        self.assertIn("photoflow-migrate deploy", script)
        self.assertIn("/usr/local/share/photoflow/sql/app-role.sql", script)
        self.assertLess(script.index("photoflow-migrate deploy"), script.index("app-role.sql"))
        self.assertEqual(container["image"], self.server_container()["image"])
        owner = {e["name"]: e for e in container["env"]}["DB_USER"]
        self.assertEqual(owner["valueFrom"]["secretKeyRef"]["name"], "photoflow-db-app")
        server = {e["name"]: e for e in self.server_container()["env"]}["DB_USER"]
        self.assertNotEqual(server["valueFrom"]["secretKeyRef"]["name"], "photoflow-db-app")

    def test_backup_and_archive_cronjobs_run_photoflow_admin(self):
        backup = self.overlay.one("CronJob", "photoflow-backup")
        archive = self.overlay.one("CronJob", "photoflow-archive")
        for cronjob, subcommand in ((backup, "backup"), (archive, "archive")):
            (container,) = pod_spec(cronjob)["containers"]
            with self.subTest(cronjob=cronjob["metadata"]["name"]):
                self.assertEqual(cronjob["spec"]["concurrencyPolicy"], "Forbid")
                self.assertEqual(container["command"], ["photoflow-admin"])
                self.assertEqual(container["args"][0], subcommand)
                if ADMIN:
                    # The arguments are ones photoflow-admin accepts.
                    check = subprocess.run([ADMIN, *container["args"], "--check-args"],
                                           capture_output=True, text=True, check=False)
                    self.assertEqual(check.returncode, 0, check.stderr)
        backup_args = pod_spec(backup)["containers"][0]["args"]
        self.assertIn("--keep", backup_args)
        mounts = {m["mountPath"] for m in pod_spec(backup)["containers"][0]["volumeMounts"]}
        self.assertIn(backup_args[backup_args.index("--dir") + 1], mounts)

    def test_the_prometheus_rule_is_the_checked_rule_file(self):
        rule = self.overlay.one("PrometheusRule", "photoflow")
        source = yaml.safe_load((REPO / "deploy/monitoring/photoflow-alerts.yaml").read_text())
        self.assertEqual(rule["spec"], source)
        check = subprocess.run(["/usr/bin/python3",
                                str(REPO / "deploy/monitoring/render-prometheusrule.py"),
                                "--check"], capture_output=True, text=True, check=False)
        self.assertEqual(check.returncode, 0, check.stderr)

    def database_urls(self):
        """The server's and the owner's DATABASE_URL, as the pods compose them."""
        data = self.overlay.config("photoflow-database")
        urls = {}
        for role, host in (("server", "server-host"), ("owner", "owner-host")):
            urls[role] = urlsplit(f"postgresql://user:password@{data[host]}:{data['port']}/"
                                  f"{data['database']}?{data[role + '-params']}")
        return urls


class DevOverlayTest(ManifestChecks, unittest.TestCase):
    overlay_name = "dev"

    def test_one_server_and_a_postgres_statefulset_it_reaches(self):
        hpa = self.overlay.one("HorizontalPodAutoscaler", "photoflow")
        self.assertEqual(hpa["spec"]["minReplicas"], 1)
        postgres = self.overlay.one("StatefulSet", "photoflow-postgres")
        (service,) = [s for s in self.overlay.all("Service")
                      if s["metadata"]["name"] == "photoflow-postgres"]
        self.assertTrue(selects(service["spec"]["selector"],
                                postgres["spec"]["template"]["metadata"]["labels"]))
        self.assertTrue(postgres["spec"]["template"]["spec"]["containers"][0]["image"]
                        .split(":")[-1].startswith("15"))
        for role, url in self.database_urls().items():
            with self.subTest(role=role):
                self.assertEqual(url.hostname, "photoflow-postgres")
                self.assertEqual(url.port, 5432)


class ProdOverlayTest(ManifestChecks, unittest.TestCase):
    overlay_name = "prod"

    def external_secret(self, name):
        return name in PROD_EXTERNAL_SECRETS

    def test_three_servers_behind_pgbouncer_on_a_three_instance_cloudnativepg_cluster(self):
        hpa = self.overlay.one("HorizontalPodAutoscaler", "photoflow")
        self.assertEqual(hpa["spec"]["minReplicas"], 3)
        (cluster,) = self.overlay.all("Cluster")
        (pooler,) = self.overlay.all("Pooler")
        name = cluster["metadata"]["name"]
        self.assertEqual(cluster["spec"]["instances"], 3)
        self.assertTrue(cluster["spec"]["imageName"].split(":")[-1].startswith("15"))
        self.assertEqual(pooler["spec"]["cluster"]["name"], name)
        self.assertEqual(pooler["spec"]["type"], "rw")
        self.assertEqual(pooler["spec"]["pgbouncer"]["poolMode"], "transaction")
        urls = self.database_urls()
        # The server through the pooler, with pgbouncer=true; the owner's
        # session work (migrations, pg_dump) on the primary.
        self.assertEqual(urls["server"].hostname, pooler["metadata"]["name"])
        self.assertEqual(parse_qs(urls["server"].query)["pgbouncer"], ["true"])
        self.assertEqual(urls["owner"].hostname, f"{name}-rw")
        self.assertNotIn("pgbouncer", parse_qs(urls["owner"].query))
        for url in urls.values():
            self.assertIn(parse_qs(url.query)["sslmode"][0], {"verify-ca", "verify-full"})
        # Credentials from the Secrets the operator manages: the owner's
        # (<cluster>-app), the application role's (a managed role), the CA.
        self.assertEqual(cluster["spec"]["bootstrap"]["initdb"]["owner"], "photoflow")
        self.assertNotIn("secret", cluster["spec"]["bootstrap"]["initdb"])
        (role,) = cluster["spec"]["managed"]["roles"]
        server_env = {e["name"]: e for e in self.server_container()["env"]}
        self.assertEqual(server_env["DB_USER"]["valueFrom"]["secretKeyRef"]["name"],
                         role["passwordSecret"]["name"])
        (ca,) = [v for v in self.overlay.server()["spec"]["template"]["spec"]["volumes"]
                 if v["name"] == "db-ca"]
        self.assertEqual(ca["secret"]["secretName"], f"{name}-ca")
        self.assertIn(f"{name}-app", PROD_EXTERNAL_SECRETS)


if __name__ == "__main__":
    unittest.main()

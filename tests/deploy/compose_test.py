"""deploy/docker/compose.yaml and the Grafana dashboard, checked statically.

No image registry is reachable where CI runs, so the stack itself (which
pulls postgres, prometheus and grafana images) cannot start here; the
PhotoFlow image it builds is built and run by deploy/docker/image-test.sh.
This checks what compose would need: the order of start (PostgreSQL healthy,
migrations completed, then the server), one image for migrate and server,
the server's ports and security options, and that every file mounted from
the repository exists. Run by CTest (label deploy) with PHOTOFLOW_REPO and
PHOTOFLOW_SERVER_BINARY.
"""

import json
import os
import pathlib
import re
import sys
import unittest

import yaml

sys.path.insert(0, os.path.dirname(__file__))
from k8s_manifests_test import server_defaults  # noqa: E402

REPO = pathlib.Path(os.environ["PHOTOFLOW_REPO"])
COMPOSE = REPO / "deploy/docker/compose.yaml"
DASHBOARD = REPO / "deploy/monitoring/photoflow-dashboard.json"


class ComposeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.compose = yaml.safe_load(COMPOSE.read_text())
        cls.services = cls.compose["services"]

    def test_the_stack_has_its_five_services(self):
        self.assertEqual(set(self.services),
                         {"postgres", "migrate", "photoflow", "prometheus", "grafana"})

    def test_postgres_15_keeps_its_data_in_a_volume_and_reports_health(self):
        postgres = self.services["postgres"]
        self.assertRegex(postgres["image"], r":15\.\d+")
        self.assertIn("pgdata:/var/lib/postgresql/data", postgres["volumes"])
        self.assertIn("pgdata", self.compose["volumes"])
        self.assertIn("pg_isready", " ".join(postgres["healthcheck"]["test"]))

    def test_migrations_run_once_postgres_is_healthy_and_the_server_after_them(self):
        migrate, server = self.services["migrate"], self.services["photoflow"]
        self.assertEqual(migrate["depends_on"]["postgres"]["condition"], "service_healthy")
        self.assertEqual(server["depends_on"]["migrate"]["condition"],
                         "service_completed_successfully")
        self.assertEqual(migrate["restart"], "no")
        script = " ".join(migrate["command"])
        self.assertIn("photoflow-migrate deploy", script)
        self.assertIn("app-role.sql", script)
        self.assertEqual(migrate["image"], server["image"])
        self.assertEqual(migrate["build"]["dockerfile"], "deploy/docker/Dockerfile")
        self.assertTrue((COMPOSE.parent / migrate["build"]["context"] /
                         migrate["build"]["dockerfile"]).is_file())

    def test_the_server_runs_restricted_as_the_application_role_on_its_ports(self):
        server = self.services["photoflow"]
        for option, value in (("read_only", True), ("cap_drop", ["ALL"]),
                              ("user", "10001:10001")):
            self.assertEqual(server[option], value)
        self.assertIn("no-new-privileges:true", server["security_opt"])
        self.assertTrue(server["environment"]["DATABASE_URL"].startswith(
            "postgresql://photoflow_app:"))
        defaults = server_defaults()
        for setting in ("PHOTOFLOW_LISTEN", "PHOTOFLOW_METRICS_LISTEN"):
            port = defaults[setting].rpartition(":")[2]
            self.assertEqual(server["environment"][setting].rpartition(":")[2], port)
            self.assertIn(f"127.0.0.1:{port}:{port}", server["ports"])
        grace = float(server["environment"]["PHOTOFLOW_SHUTDOWN_GRACE"])
        self.assertGreater(float(server["stop_grace_period"].rstrip("s")), grace)

    def test_prometheus_scrapes_the_server_with_the_rules(self):
        prometheus = yaml.safe_load((REPO / "deploy/monitoring/prometheus.yml").read_text())
        (job,) = prometheus["scrape_configs"]
        metrics_port = server_defaults()["PHOTOFLOW_METRICS_LISTEN"].rpartition(":")[2]
        self.assertEqual(job["static_configs"][0]["targets"], [f"photoflow:{metrics_port}"])
        self.assertEqual(prometheus["rule_files"], ["photoflow-alerts.yaml"])

    def test_every_file_mounted_from_the_repository_exists(self):
        mounts = 0
        for name, service in self.services.items():
            for volume in service.get("volumes", []):
                source = volume.split(":")[0]
                if source.startswith("."):
                    mounts += 1
                    with self.subTest(service=name, source=source):
                        self.assertTrue((COMPOSE.parent / source).is_file())
        self.assertGreaterEqual(mounts, 5)


class DashboardTest(unittest.TestCase):
    """Structure only: the names in its queries are checked against a live
    scrape by MetricsTest.EveryNameInTheDashboardAndTheAlertRulesIsExported."""

    @classmethod
    def setUpClass(cls):
        cls.dashboard = json.loads(DASHBOARD.read_text())
        cls.panels = [p for p in cls.dashboard["panels"] if p["type"] != "row"]

    def test_panels_cover_what_operators_watch(self):
        titles = " ".join(p["title"] for p in self.panels).lower()
        for topic in ("calls per second", "failures", "latency p99", "pool", "waiting",
                      "batched", "table sizes", "connections to the database"):
            self.assertIn(topic, titles)

    def test_every_query_uses_the_datasource_and_instance_variables(self):
        variables = {v["name"] for v in self.dashboard["templating"]["list"]}
        self.assertEqual(variables, {"datasource", "job", "instance"})
        for panel in self.panels:
            with self.subTest(panel=panel["title"]):
                self.assertEqual(panel["datasource"]["uid"], "${datasource}")
                ref_ids = [t["refId"] for t in panel["targets"]]
                self.assertEqual(len(ref_ids), len(set(ref_ids)))
                for target in panel["targets"]:
                    expression = target["expr"]
                    self.assertEqual(expression.count("("), expression.count(")"))
                    selectors = re.findall(r"\{([^}]*)\}", expression)
                    self.assertTrue(selectors, expression)
                    for selector in selectors:
                        self.assertIn('job=~"$job"', selector)
                        self.assertIn('instance=~"$instance"', selector)

    def test_panels_fit_the_grid_without_overlapping(self):
        cells = set()
        for panel in self.dashboard["panels"]:
            grid = panel["gridPos"]
            self.assertLessEqual(grid["x"] + grid["w"], 24, panel["title"])
            for x in range(grid["x"], grid["x"] + grid["w"]):
                for y in range(grid["y"], grid["y"] + grid["h"]):
                    self.assertNotIn((x, y), cells, panel["title"])
                    cells.add((x, y))


if __name__ == "__main__":
    unittest.main()

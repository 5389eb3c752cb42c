"""Simulated staff for bench/load.py: each user is one logged-in staff member (BENCH_STAFF)
who works through the pages of their role with BENCH_THINK seconds between clicks."""

import json
import os
import random

from locust import HttpUser, constant, task

STAFF = json.loads(open(os.environ["BENCH_STAFF"]).read())  # noqa: SIM115
THINK = float(os.environ.get("BENCH_THINK", "5"))
_next = iter(range(10**9))


class Staff(HttpUser):
    wait_time = constant(THINK)

    def on_start(self):
        self.me = STAFF[next(_next) % len(STAFF)]
        self.client.headers["Cookie"] = self.me["cookie"]
        self.client.headers["Accept-Language"] = "nb"

    def _get(self, path: str, name: str):
        with self.client.get(path, name=name, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    @task
    def work(self):
        role, residents = self.me["role"], self.me["residents"]
        if role == "bolig":
            choice = random.random()
            if choice < 0.35:
                self._get("/beboere/", "resident list")
            elif choice < 0.6:
                self._get(f"/boliger/?status=vacant&side={random.randint(1, 3)}",
                          "dwelling list")
            elif choice < 0.85:
                self._get("/tildeling/", "allocation dashboard")
            else:
                self._get("/resultater/uten-bolig/", "by-name list")
        elif role == "miljo":
            if residents and random.random() < 0.6:
                self._get(f"/beboere/{random.choice(residents)}/", "resident page")
            else:
                self._get("/oppfolging/min-uke/", "my week")
        elif role == "leder":
            if self.me["team"] and random.random() < 0.7:
                self._get(f"/tavle/{self.me['team']}/", "team board")
            else:
                self._get("/resultater/inn-og-utstrom/", "flow report")
        else:
            self._get(random.choice(["/resultater/bostabilitet/",
                                     "/resultater/inn-og-utstrom/",
                                     "/resultater/frister-og-tempo/"]), "reports")

"""Scale data sets for benchmarks: demo, city and national (DESIGN.md, "Scale the design is
held to"), with the shapes of real Housing First work, written in bulk.

Rows are made in Python with ids given here, then written per municipality with one COPY per
table on PostgreSQL (executemany on SQLite, for the small sets the tests use). Services are not
used: they would record one domain event and one round trip per row, which at 9 million visits
is hours instead of minutes. What keeps the data honest instead is a simulation in date order:
a dwelling holds one tenancy at a time, a homeless spell ends when a tenancy starts, an
unplanned end puts the person back on the list with a re-settlement record, and visits are
weekly within a running agreement. Each change of situation in that simulation closes one
situation spell and opens the next, so the history ends in the resident's current situation.
The database's own constraints check the result on SQLite; on PostgreSQL the load runs with
foreign-key triggers off (session_replication_role), the usual bulk path, and the same
generator's output is what the tests check.

Only synthetic identities: fødselsnummer with month + 80.
"""

from __future__ import annotations

import datetime
import heapq
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from faker import Faker

from husly.access.models import AccessLogEntry, Consent
from husly.accounts.models import Role, RoleAssignment, Team, TeamMembership, Unit, User
from husly.allocation.models import Allocation as AllocationRow
from husly.allocation.models import (
    AllocationCriterion,
    Application,
    Decision,
    JointMeeting,
    Offer,
    Statement,
    TaskTemplate,
)
from husly.board.models import RedBoardEntry, Review
from husly.common.models import Municipality
from husly.demo.identities import synthetic_national_id
from husly.followup.models import FollowUpAgreement, Visit
from husly.housing.models import Dwelling, Tenancy, WorkOrder
from husly.outcomes.models import HomelessEpisode, Population, Resettlement, SituationSpell
from husly.people.models import Case, Resident, ResidentNote

UTC = datetime.UTC
BENCH_PASSWORD = "husly-benk-2026"


@dataclass(frozen=True)
class Scale:
    name: str
    municipalities: int
    dwellings: int
    persons: int
    years: int = 5
    big_team: int = 1000  # residents followed by the first team of the largest municipality


SCALES = {
    "tiny": Scale("tiny", municipalities=2, dwellings=90, persons=200, big_team=40),
    "demo": Scale("demo", municipalities=1, dwellings=830, persons=400, big_team=120),
    "city": Scale("city", municipalities=1, dwellings=12_000, persons=25_000),
    "national": Scale("national", municipalities=357, dwellings=115_000, persons=250_000),
}


def municipality_sizes(scale: Scale) -> list[tuple[int, int]]:
    """(dwellings, persons) per municipality. The largest is city-sized (Oslo holds about a
    tenth of the country's Housing First work); the others follow a Zipf curve, as Norway's
    municipalities do, with at least 20 dwellings and 40 persons each."""
    if scale.municipalities == 1:
        return [(scale.dwellings, scale.persons)]
    city = SCALES["city"]
    first = ((city.dwellings, city.persons) if scale.persons > 2 * city.persons
             else (scale.dwellings // 2, scale.persons // 2))
    rest = scale.municipalities - 1
    weights = [1 / (rank + 2) ** 0.9 for rank in range(rest)]
    total = sum(weights)
    sizes = [first]
    left_d, left_p = scale.dwellings - first[0], scale.persons - first[1]
    for i, weight in enumerate(weights):
        if i == rest - 1:
            d, p = left_d, left_p
        else:
            d = max(20, round((scale.dwellings - first[0]) * weight / total))
            p = max(40, round((scale.persons - first[1]) * weight / total))
        sizes.append((d, p))
        left_d -= d
        left_p -= p
    return sizes


class Table:
    """The rows of one table, with ids handed out here."""

    def __init__(self, model, columns: list[str], *, next_id: int = 1):
        self.model = model
        self.db_table = model._meta.db_table
        self.columns = ["id"] + [model._meta.get_field(c).column for c in columns]
        self.rows: list[tuple] = []
        self.next_id = next_id
        self.written = 0

    def add(self, *values) -> int:
        row_id = self.next_id
        self.next_id += 1
        self.rows.append((row_id, *values))
        return row_id


class Writer:
    """Holds a Table per model and writes them out in one go per municipality."""

    def __init__(self):
        self.tables: dict[str, Table] = {}
        self.postgres = connection.vendor == "postgresql"

    def table(self, key: str, model, columns: list[str]) -> Table:
        if key not in self.tables:
            last = model.objects.order_by("-id").values_list("id", flat=True).first() or 0
            self.tables[key] = Table(model, columns, next_id=last + 1)
        return self.tables[key]

    def flush(self) -> None:
        with connection.cursor() as cursor:
            for table in self.tables.values():
                if not table.rows:
                    continue
                cols = ", ".join(connection.ops.quote_name(c) for c in table.columns)
                name = connection.ops.quote_name(table.db_table)
                if self.postgres:
                    with cursor.copy(f"COPY {name} ({cols}) FROM STDIN") as copy:
                        for row in table.rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(table.columns))
                    # Table and column names come from the models, values are parameters.
                    cursor.executemany(f"INSERT INTO {name} ({cols}) VALUES ({marks})",  # noqa: S608
                                       [tuple(_sqlite(v) for v in row) for row in table.rows])
                table.written += len(table.rows)
                table.rows = []

    def counts(self) -> dict[str, int]:
        return {key: table.written for key, table in self.tables.items()}

    def reset_sequences(self) -> None:
        models = [table.model for table in self.tables.values()]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


def _sqlite(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass
class Person:
    id: int
    registered: datetime.date
    followed: bool
    team: int | None = None
    contact: int | None = None
    situation: str = "street"
    situation_since: datetime.date | None = None
    episode_open: tuple | None = None  # (started_on, start_kind)
    tenancies: list = field(default_factory=list)
    waiting_since: datetime.date | None = None


HOMELESS = ["friends_family", "shelter_temporary", "institution_release", "prison_release",
            "street", "other_homeless"]
# Many people without a home pass through a shelter or temporary housing while they wait,
# whatever situation they were found in; KOSTRA counts those households per year.
TO_SHELTER = 0.45
INHABITANTS_PER_DWELLING = (50, 60)
END_REASONS = [("planned_move", 40), ("bought_own_home", 8), ("eviction", 14),
               ("abandonment", 10), ("institution", 10), ("prison", 6), ("death", 4),
               ("other", 8)]
UNPLANNED = {"eviction", "abandonment", "institution", "prison"}
WAITING_STATES = ["received", "statement_requested", "statement_given", "decided", "offered",
                  "declined", "accepted", "allocated"]
VISIT_DONE = [("done", 85), ("not_home", 8), ("refused_entry", 2), ("cancelled", 5)]
# Most coming visits have a focus written by staff (the board's "why"); some have none yet.
SCALE_FOCUSES = ["Se på om kjøleskapet har mat; øve på å betale husleie i nettbank.",
                 "Gå gjennom posten sammen.", "Handle inn til uka sammen.", ""]
STREETS = ["Storgata", "Kirkegata", "Skolegata", "Parkveien", "Fjordgata", "Strandveien",
           "Løkkeveien", "Bjørkeveien", "Granveien", "Solbakken", "Havnegata", "Torggata",
           "Industriveien", "Møllegata", "Jernbanegata", "Nygata", "Åsveien", "Lia",
           "Sjøgata", "Bakkegata"]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


class Generator:
    def __init__(self, scale: Scale, *, today: datetime.date, seed: int = 2026,
                 first_number: int = 3001):
        self.scale = scale
        self.today = today
        self.window_start = today - datetime.timedelta(days=365 * scale.years)
        self.history_start = today - datetime.timedelta(days=365 * (scale.years + 7))
        self.rng = random.Random(seed)  # noqa: S311 - reproducible bench data, not security
        # The situation history and the population figures draw from their own generator, so
        # that adding them left every other table of a seed as it was: bench databases made
        # before stay comparable. The one difference there: some people still on the list
        # are now in temporary housing rather than where they were found.
        self.spell_rng = random.Random(f"{seed}-spells")  # noqa: S311 - as above
        fake = Faker("no_NO")
        fake.seed_instance(seed)
        self.given = sorted({fake.first_name() for _ in range(600)})
        self.family = sorted({fake.last_name() for _ in range(600)})
        self.places = sorted({fake.city() for _ in range(800)})
        self.first_number = first_number
        self.password = make_password(BENCH_PASSWORD)
        self.w = Writer()
        self._tables()

    def _tables(self):
        t = self.w.table
        self.t_municipality = t("municipality", Municipality, ["number", "name",
                                                               "written_language"])
        self.t_unit = t("unit", Unit, ["municipality", "name", "kind"])
        self.t_user = t("user", User, [
            "password", "is_superuser", "username", "first_name", "last_name", "email",
            "is_staff", "is_active", "date_joined", "is_health_personnel",
            "cleared_for_protected_addresses", "phone", "sso_identifier"])
        self.t_role = t("role", RoleAssignment, ["municipality", "user", "role", "unit"])
        self.t_team = t("team", Team, ["municipality", "name", "review_interval_weeks"])
        self.t_member = t("member", TeamMembership, ["team", "user", "is_leader"])
        self.t_criterion = t("criterion", AllocationCriterion, ["municipality", "text", "order",
                                                                "active"])
        self.t_template = t("template", TaskTemplate, [
            "municipality", "title", "unit_kind", "due_business_days", "blocks_move_in",
            "is_preparation", "order", "purpose"])
        self.t_dwelling = t("dwelling", Dwelling, [
            "municipality", "street_address", "postal_code", "postal_place", "bruksenhetsnummer",
            "gnr", "bnr", "fnr", "snr", "kind", "rooms", "area_m2", "floor", "has_lift",
            "wheelchair_accessible", "owner_kind", "landlord", "status"])
        self.t_resident = t("resident", Resident, [
            "municipality", "given_name", "family_name", "national_id", "birth_date", "phone",
            "guardian_name", "guardian_phone", "guardian_scope", "protected_address",
            "background", "housing_situation", "housing_situation_since", "team",
            "primary_contact", "registered_at", "anonymised_on", "preserved_for_archive_on"])
        self.t_case = t("case", Case, ["municipality", "resident", "kind", "unit", "assigned_to",
                                       "opened_on", "closed_on"])
        self.t_tenancy = t("tenancy", Tenancy, [
            "municipality", "dwelling", "start_date", "fixed_term_end", "monthly_rent",
            "end_date", "end_reason"])
        self.t_tenancy_resident = t("tenancy_resident", Tenancy.residents.through,
                                    ["tenancy", "resident"])
        self.t_agreement = t("agreement", FollowUpAgreement, [
            "municipality", "resident", "tenancy", "team", "primary_contact", "visit_weekday",
            "start_date", "signed_on", "end_date", "health_care_accepted",
            "health_care_changed_on"])
        self.t_note = t("note", ResidentNote, ["municipality", "resident", "category", "text",
                                               "written_by", "written_at"])
        self.t_visit = t("visit", Visit, [
            "municipality", "agreement", "week_start", "planned_on", "assigned_to", "status",
            "recorded_at", "recorded_by", "damage", "dangerous_objects_removed",
            "hygiene_concern", "fire_safety_concern", "neighbour_complaint", "actions",
            "note", "focus"])
        self.t_red = t("red", RedBoardEntry, [
            "municipality", "team", "resident", "put_on_at", "put_on_by", "reason_on",
            "previous_primary_contact", "taken_off_at", "taken_off_by", "reason_off"])
        self.t_review = t("review", Review, ["municipality", "team", "resident", "held_on",
                                             "what_matters_now", "next_steps", "written_by"])
        self.t_application = t("application", Application, [
            "municipality", "applicant", "registered_on", "officer", "case", "rooms_needed",
            "needs_ground_floor_or_lift", "needs_wheelchair_access", "needs_rop_suited",
            "needs_24h_staffing", "wished_area", "wished_kind", "wishes", "housing_first",
            "referral_source", "state", "state_since", "preliminary_reply_on"])
        self.t_statement = t("statement", Statement, [
            "application", "unit", "requested_on", "due_on", "requested_by", "text", "given_on",
            "written_by"])
        self.t_decision = t("decision", Decision, [
            "application", "kind", "granted", "reasons", "legal_basis", "dwelling_kind", "rooms",
            "lease_months", "help_content", "decided_on", "decided_by"])
        self.t_offer = t("offer", Offer, [
            "application", "dwelling", "offered_on", "answer_by", "viewing_on",
            "viewing_companions", "answer", "answered_on", "decline_reason", "offered_by"])
        self.t_allocation = t("allocation", AllocationRow, [
            "municipality", "application", "dwelling", "allocated_on", "meeting_deadline",
            "allocated_by", "moved_in_on", "tenancy"])
        self.t_meeting = t("meeting", JointMeeting, ["allocation", "scheduled_on", "held_on",
                                                     "note"])
        self.t_consent = t("consent", Consent, [
            "municipality", "resident", "categories", "purpose", "given_on", "expires_on",
            "withdrawn_on", "form", "recorded_by", "recorded_at", "attachment",
            "attachment_content_type", "scope"])
        self.t_consent_from = t("consent_from", Consent.from_units.through, ["consent", "unit"])
        self.t_consent_to = t("consent_to", Consent.to_units.through, ["consent", "unit"])
        self.t_access = t("access", AccessLogEntry, [
            "municipality", "user", "resident", "accessed_at", "categories", "basis", "view",
            "unit"])
        self.t_episode = t("episode", HomelessEpisode, [
            "municipality", "resident", "started_on", "start_kind", "ended_on", "end_kind"])
        self.t_spell = t("situation_spell", SituationSpell, [
            "municipality", "resident", "situation", "started_on", "ended_on"])
        self.t_population = t("population", Population, [
            "municipality", "year", "inhabitants", "recorded_by", "recorded_at"])
        self.t_resettlement = t("resettlement", Resettlement, [
            "municipality", "resident", "tenancy", "case", "what_went_wrong", "do_differently",
            "recorded_by", "recorded_on"])
        self.t_work_order = t("work_order", WorkOrder, [
            "municipality", "dwelling", "kind", "priority", "description", "resident",
            "assigned_to", "created_on", "due_on", "done_on", "done_by", "what_was_done",
            "guidance_given"])

    # -- helpers -------------------------------------------------------------------------

    def _date_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        span = (last - first).days
        return first + datetime.timedelta(days=self.rng.randint(0, max(span, 0)))

    def _at(self, day: datetime.date, hour: int | None = None) -> datetime.datetime:
        hour = self.rng.randint(8, 15) if hour is None else hour
        return datetime.datetime(day.year, day.month, day.day, hour, self.rng.randint(0, 59),
                                 tzinfo=UTC)

    def _user(self, username: str, first: str, last: str, *, health=False, cleared=False,
              is_staff=False) -> int:
        return self.t_user.add(self.password, False, username, first, last, "", is_staff, True,
                               datetime.datetime(self.history_start.year, 1, 1, tzinfo=UTC),
                               health, cleared, "", "")

    # -- one municipality ---------------------------------------------------------------

    def municipality(self, index: int, dwellings: int, persons: int, *, big_team: int) -> dict:
        rng = self.rng
        number = f"{self.first_number + index:04d}"
        place = self.places[index % len(self.places)]
        name = f"{place} kommune" if index < len(self.places) else f"{place} kommune {index}"
        m = self.t_municipality.add(number, name, "nn" if rng.random() < 0.25 else "nb")
        units = {kind: self.t_unit.add(m, label, kind) for kind, label in [
            ("housing", "Boligtjenesten"), ("followup", "Oppfølgingstjenesten"),
            ("nav", f"NAV {place}"), ("property", "Kommunal eiendom"),
            ("caretaker", "Vaktmestertjenesten")]}
        self._unit_of[m] = units["followup"]

        def staff(role: str, unit: str | None, count: int, label: str, **flags) -> list[int]:
            ids = []
            for i in range(1, count + 1):
                uid = self._user(f"{number}-{label}-{i}", rng.choice(self.given),
                                 rng.choice(self.family), **flags)
                self.t_role.add(m, uid, role, units[unit] if unit else None)
                ids.append(uid)
            return ids

        officers = staff(Role.HOUSING_OFFICER, "housing", max(1, persons // 600), "bolig")
        navs = staff(Role.NAV_COUNSELLOR, "nav", max(1, persons // 1200), "nav")
        caretakers = staff(Role.CARETAKER, "caretaker", max(1, dwellings // 500), "vaktmester")
        staff(Role.PROPERTY_MANAGER, "property", 1, "eiendom")
        staff(Role.ANALYST, None, 1, "analytiker")
        staff(Role.ADMINISTRATOR, None, 1, "admin", is_staff=True)

        # A third are followed by a team with weekly visits: at national scale that gives the
        # design's ~9 million visits over five years.
        followed_target = max(1, round(persons * 0.33))
        # Team sizes: the first team of the largest municipality follows `big_team` residents
        # (the board's design size); the others about 90 each.
        team_sizes = []
        left = followed_target
        if index == 0:
            team_sizes.append(min(big_team, left))
            left -= team_sizes[0]
        while left > 0:
            size = min(90, left)
            team_sizes.append(size)
            left -= size
        teams = []
        for t_index, size in enumerate(team_sizes):
            team = self.t_team.add(m, "Housing First-teamet" if t_index == 0
                                   else f"Oppfølgingsteam {t_index}", 4)
            workers = staff(Role.FOLLOWUP_WORKER, "followup", max(2, size // 12),
                            f"miljo{t_index + 1}" if t_index else "miljo", health=True)
            leader = staff(Role.TEAM_LEADER, "followup", 1,
                           f"leder{t_index + 1}" if t_index else "leder", health=True,
                           cleared=True)[0]
            for uid in workers:
                self.t_member.add(team, uid, False)
            self.t_member.add(team, leader, True)
            self.t_member.add(team, officers[t_index % len(officers)], False)
            self.t_member.add(team, navs[t_index % len(navs)], False)
            teams.append((team, size, workers, leader))

        for order, text in enumerate(["Vedvarende bostedsløs", "Rus og/eller psykisk lidelse",
                                      "Har forsøkt andre boformer uten å lykkes"]):
            self.t_criterion.add(m, text, order, True)
        for order, (title, kind, days, blocks, prep, purpose) in enumerate([
                ("Klargjøre boligen", "caretaker", 3, True, True,
                 "Beboeren skal kunne sove i boligen første natt."),
                ("Søke bostøtte og depositum", "nav", 2, True, False,
                 "Ingen skal starte leieforholdet med gjeld."),
                ("Avtale ukentlig besøk", "followup", 2, False, False,
                 "Oppfølgingen starter fra første uke i boligen."),
                ("Kontrakt og nøkler", "housing", 3, True, False,
                 "Fra bostedsløs til egen dør.")]):
            self.t_template.add(m, title, kind, days, blocks, prep, order, purpose)

        self._population(m, dwellings, recorded_by=teams[0][3])
        dwelling_ids = self._dwellings(m, dwellings)
        people = self._people(m, persons, teams)
        self._simulate(m, people, dwelling_ids, officers, navs, units, teams, caretakers)
        self.w.flush()
        return {"number": number, "dwellings": dwellings, "persons": persons}

    def _population(self, m: int, dwellings: int, *, recorded_by: int) -> None:
        """Inhabitants on 1 January of every year the history touches, as if typed in from
        SSB each January: the per-1,000-inhabitants figures need a denominator every year."""
        rng, today = self.spell_rng, self.today
        inhabitants = dwellings * rng.uniform(*INHABITANTS_PER_DWELLING)
        for year in range(self.history_start.year, today.year + 1):
            # Never recorded after today, also when today is early in January.
            last_day = today.day if (year, 1) == (today.year, today.month) else 31
            at = datetime.datetime(year, 1, rng.randint(min(2, last_day), last_day),
                                   rng.randint(8, 15), rng.randint(0, 59), tzinfo=UTC)
            self.t_population.add(m, year, max(1, round(inhabitants)), recorded_by, at)
            inhabitants *= 1 + rng.uniform(-0.002, 0.012)

    def _situation(self, m: int, person: Person, situation: str, on: datetime.date) -> None:
        """The person's situation changes on `on`: the spell until then is closed and
        written; the open one is written with the resident (`_write_people`)."""
        self.t_spell.add(m, person.id, person.situation, person.situation_since, on)
        person.situation = situation
        person.situation_since = on

    def _to_shelter(self, m: int, person: Person, until: datetime.date) -> None:
        """Perhaps a move to temporary housing during the spell without a home that lasts
        until `until`, strictly inside it (a same-day change would replace the spell)."""
        rng = self.spell_rng
        if person.situation == "shelter_temporary" or rng.random() >= TO_SHELTER:
            return
        span = (until - person.situation_since).days
        if span >= 2:
            self._situation(m, person, "shelter_temporary", person.situation_since
                            + datetime.timedelta(days=rng.randint(1, min(span - 1, 120))))

    def _dwellings(self, m: int, count: int) -> list[int]:
        rng = self.rng
        ids = []
        for i in range(count):
            r = rng.random()
            kind = ("care" if r < 0.1 else "transitional" if r < 0.8 else "small_house"
                    if r < 0.82 else "ordinary")
            building = i // 12
            street = f"{STREETS[building % len(STREETS)]} {building // len(STREETS) + 1}"
            unit_no = f"H{(i % 12) // 4 + 1:02d}{i % 4 + 1:02d}"
            rooms = rng.choice([1, 1, 1, 2, 2, 3])
            ids.append(self.t_dwelling.add(
                m, street, f"{4000 + building % 90:04d}", "Sentrum", unit_no, 1 + building,
                10 + i % 12, None, None, kind, rooms, Decimal(20 + rooms * 15 + rng.randint(0, 9)),
                (i % 12) // 4 + 1, rng.random() < 0.4, rng.random() < 0.1, "municipal", None,
                "vacant"))
        return ids

    def _people(self, m: int, count: int, teams) -> list[Person]:
        rng = self.rng
        people = []
        slots = [(team, workers) for team, size, workers, _ in teams for _ in range(size)]
        rng.shuffle(slots)
        used_ids: set[str] = set()
        for i in range(count):
            old = rng.random() < 0.45
            registered = (self._date_between(self.history_start, self.window_start) if old
                          else self._date_between(self.window_start, self.today))
            followed = i < len(slots)
            team, workers = slots[i] if followed else (None, None)
            birth = self._date_between(datetime.date(1950, 1, 1), datetime.date(2005, 12, 31))
            national_id = synthetic_national_id(birth, rng)
            while national_id in used_ids:
                national_id = synthetic_national_id(birth, rng)
            used_ids.add(national_id)
            person = Person(id=0, registered=registered, followed=followed, team=team,
                            contact=rng.choice(workers) if workers else None)
            person.situation = rng.choice(HOMELESS)
            person.situation_since = registered
            person.episode_open = (registered, "newly_identified")
            person.waiting_since = registered
            person._row = [m, rng.choice(self.given), rng.choice(self.family), national_id,
                           birth, f"9{rng.randint(1000000, 9999999)}", "", "", "",
                           "none" if rng.random() > 0.01 else "fortrolig",
                           rng.choice(["street", "shelter", "institution", "prison",
                                       "child_welfare", "other"])]
            people.append(person)
        return people

    def _simulate(self, m, people, dwelling_ids, officers, navs, units, teams, caretakers):
        rng, today = self.rng, self.today
        free = [(self.history_start, d) for d in dwelling_ids]
        heapq.heapify(free)
        # Residents are written first so tenancies and episodes can refer to them.
        for person in people:
            person.id = self.t_resident.add(*person._row, None, None, None, None, None, None,
                                            None)
            person._row_index = len(self.t_resident.rows) - 1
        waiting = [(p.registered + datetime.timedelta(days=rng.randint(7, 120)), p.id, p)
                   for p in people]
        heapq.heapify(waiting)
        current_dwelling: dict[int, int] = {}
        while waiting:
            ready, _, person = heapq.heappop(waiting)
            if ready > today or not free:
                continue  # still waiting today
            free_from, dwelling = heapq.heappop(free)
            start = max(ready, free_from)
            if start > today:
                heapq.heappush(free, (free_from, dwelling))
                continue
            self._housed(m, person, dwelling, start)
            years = rng.expovariate(1 / 4.5)
            end = start + datetime.timedelta(days=max(30, int(years * 365)))
            if end > today:
                person.tenancies[-1]["end"] = None
                current_dwelling[person.id] = dwelling
                continue
            reason = _pick(rng, END_REASONS)
            person.tenancies[-1].update(end=end, reason=reason)
            heapq.heappush(free, (end + datetime.timedelta(days=rng.randint(5, 40)), dwelling))
            if reason in UNPLANNED:
                person.episode_open = (end, "returned_from_housing")
                self._situation(m, person, "institution_release" if reason == "institution"
                                else "prison_release" if reason == "prison"
                                else rng.choice(HOMELESS), end)
                person.waiting_since = end
                heapq.heappush(waiting, (end + datetime.timedelta(days=rng.randint(14, 200)),
                                         person.id, person))
            else:
                self._situation(m, person, "own_home", end)
        # What is left in the heap is not let today: vacant, or being prepared until free_from.
        ready_on = {d: f for f, d in free}
        self._write_people(m, people, officers, navs, units, teams, ready_on, caretakers)

    def _housed(self, m, person, dwelling, start):
        if person.episode_open:
            started, kind = person.episode_open
            self.t_episode.add(m, person.id, started, kind, start, "housed")
            person.episode_open = None
            self._to_shelter(m, person, start)
        person.tenancies.append({"dwelling": dwelling, "start": start,
                                 "applied": person.waiting_since})
        self._situation(m, person, "municipal_tenancy", start)

    def _write_people(self, m, people, officers, navs, units, teams, ready_on, caretakers):
        rng, today = self.rng, self.today
        let: set[int] = set()
        offered: list[int] = sorted(ready_on)
        rng.shuffle(offered)
        leaders = {team: leader for team, _, _, leader in teams}
        for person in people:
            officer = rng.choice(officers)
            if person.episode_open:
                self._to_shelter(m, person, today)
            self.t_spell.add(m, person.id, person.situation, person.situation_since, None)
            row = list(self.t_resident.rows[person._row_index])
            row[12] = person.situation
            row[13] = person.situation_since
            row[14] = person.team
            row[15] = person.contact
            row[16] = self._at(person.registered)
            self.t_resident.rows[person._row_index] = tuple(row)
            for n, tenancy in enumerate(person.tenancies):
                self._tenancy(m, person, tenancy, officer, units, last=n == len(person.tenancies)
                              - 1)
                if tenancy["end"] is None:
                    let.add(tenancy["dwelling"])
            if person.episode_open:
                started, kind = person.episode_open
                self.t_episode.add(m, person.id, started, kind, None, "")
                self._waiting_application(m, person, officer, units, offered)
            elif rng.random() < 0.04:
                # A refused or withdrawn application beside the housed ones.
                case = self.t_case.add(m, person.id, "housing", units["housing"], officer,
                                       person.registered, person.registered
                                       + datetime.timedelta(days=30))
                self._application(m, person, officer, case, person.registered,
                                  rng.choice(["refused", "withdrawn"]), units)
            if rng.random() < 0.3 and person.followed:
                self.t_case.add(m, person.id, "nav", units["nav"], rng.choice(navs),
                                person.registered, None)
            if person.followed and rng.random() < 0.35:
                self._consent(m, person, units)
            if person.followed:
                self._board_history(m, person, leaders[person.team])
        for dwelling in sorted(ready_on):
            if ready_on[dwelling] > today:
                created = today - datetime.timedelta(days=rng.randint(0, 20))
                self.t_work_order.add(m, dwelling, "preparation", 2, "Klargjøre boligen", None,
                                      rng.choice(caretakers), created,
                                      created + datetime.timedelta(days=5), None, None, "", "")
        status_rows = self.t_dwelling.rows
        for i, row in enumerate(status_rows):
            if row[1] != m:
                continue
            status = "let" if row[0] in let else (
                "being_prepared" if ready_on.get(row[0], today) > today else
                "out_of_service" if rng.random() < 0.02 else "vacant")
            status_rows[i] = (*row[:-1], status)

    def _tenancy(self, m, person, tenancy, officer, units, *, last: bool):
        rng = self.rng
        start, end = tenancy["start"], tenancy.get("end")
        reason = tenancy.get("reason", "") if end else ""
        fixed = start + datetime.timedelta(days=365 * rng.choice([3, 5]))
        tid = self.t_tenancy.add(m, tenancy["dwelling"], start, fixed,
                                 Decimal(rng.randrange(6000, 14000, 100)), end, reason)
        self.t_tenancy_resident.add(tid, person.id)
        applied = tenancy["applied"]
        if start >= self.window_start:
            case = self.t_case.add(m, person.id, "housing", units["housing"], officer, applied,
                                   start)
            app = self._application(m, person, officer, case, applied, "moved_in", units,
                                    state_since=start)
            allocated = max(applied, start - datetime.timedelta(days=rng.randint(3, 21)))
            self.t_offer.add(app, tenancy["dwelling"], allocated, allocated
                             + datetime.timedelta(days=7), None, "", "accepted", allocated,
                             "", officer)
            allocation = self.t_allocation.add(m, app, tenancy["dwelling"], allocated,
                                               allocated + datetime.timedelta(days=3), officer,
                                               start, tid)
            held = allocated + datetime.timedelta(days=rng.choice([1, 2, 3, 3, 4, 6]))
            self.t_meeting.add(allocation, held, min(held, start), "")
        if reason in UNPLANNED:
            case = self.t_case.add(m, person.id, "resettlement", units["housing"], officer, end,
                                   None if last and person.episode_open else end)
            self.t_resettlement.add(m, person.id, tid, case, "Husleierestanse og konflikt med "
                                    "naboer.", "Tettere oppfølging de første månedene.",
                                    officer, end)
        if person.followed:
            self._agreement(m, person, tid, start, end)

    def _agreement(self, m, person, tid, start, end):
        rng, today = self.rng, self.today
        weekday = rng.randint(0, 4)
        declined = rng.random() < 0.15
        aid = self.t_agreement.add(m, person.id, tid, person.team, person.contact, weekday,
                                   start, start + datetime.timedelta(days=rng.randint(0, 10)),
                                   end, not declined, start if declined else None)
        if end is None:
            self.t_case.add(m, person.id, "followup", self._unit_of[m], person.contact, start,
                            None)
        first = max(start, self.window_start)
        week = first - datetime.timedelta(days=first.weekday())
        last = min(end or (today + datetime.timedelta(weeks=8)),
                   today + datetime.timedelta(weeks=8))
        while week <= last:
            planned = week + datetime.timedelta(days=weekday)
            if planned >= today:
                self.t_visit.add(m, aid, week, planned, person.contact, "planned", None, None,
                                 False, False, False, False, False, "", None,
                                 SCALE_FOCUSES[(aid + planned.toordinal()) % len(SCALE_FOCUSES)])
            else:
                status = _pick(rng, VISIT_DONE)
                note = None
                if status == "done" and rng.random() < 0.05:
                    note = self.t_note.add(m, person.id, "followup",
                                           "Hjemmebesøk. Beboeren hadde det bra.",
                                           person.contact, self._at(planned))
                recorded = self._at(planned)
                self.t_visit.add(m, aid, week, planned, person.contact, status, recorded,
                                 person.contact, rng.random() < 0.02, False,
                                 rng.random() < 0.05, rng.random() < 0.01,
                                 rng.random() < 0.02, "", note, "")
                if rng.random() < 0.35:
                    self.t_access.add(m, person.contact, person.id, recorded,
                                      "housing,followup,health", "primary_contact",
                                      "people:resident_detail", self._unit_of[m])
            week += datetime.timedelta(weeks=1)

    def _application(self, m, person, officer, case, registered, state, units, *,
                     state_since=None):
        rng = self.rng
        app = self.t_application.add(
            m, person.id, registered, officer, case, rng.choice([1, 1, 2]), rng.random() < 0.1,
            rng.random() < 0.05, rng.random() < 0.4, rng.random() < 0.08, "", "", "",
            person.followed, rng.choice(["street", "shelter", "institution", "prison"]), state,
            state_since or registered, None)
        if state not in ("received", "withdrawn"):
            requested = registered + datetime.timedelta(days=2)
            given = state != "statement_requested"
            self.t_statement.add(app, units["followup"], requested,
                                 requested + datetime.timedelta(days=10), officer,
                                 "Anbefaler bolig med ukentlig oppfølging." if given else "",
                                 requested + datetime.timedelta(days=6) if given else None,
                                 person.contact or officer if given else None)
        if state in ("decided", "refused", "offered", "declined", "accepted", "allocated",
                     "moved_in"):
            decided = registered + datetime.timedelta(days=12)
            granted = state != "refused"
            self.t_decision.add(app, "dwelling", granted, "Vilkårene er oppfylt." if granted
                                else "Vilkårene er ikke oppfylt.", "Boligsosial lov § 10",
                                "transitional" if granted else "", 1 if granted else None,
                                36 if granted else None, "", decided, officer)
        return app

    def _waiting_application(self, m, person, officer, units, offered):
        rng, today = self.rng, self.today
        since = person.waiting_since
        state = rng.choice(WAITING_STATES)
        case = self.t_case.add(m, person.id, "housing", units["housing"], officer, since, None)
        registered = min(today, since + datetime.timedelta(days=rng.randint(0, 20)))
        app = self._application(m, person, officer, case, registered, state, units,
                                state_since=min(today, registered
                                                + datetime.timedelta(days=14)))
        if state in ("offered", "declined", "accepted", "allocated") and offered:
            dwelling = offered.pop()
            day = min(today, registered + datetime.timedelta(days=14))
            answer = {"offered": "pending", "declined": "declined"}.get(state, "accepted")
            self.t_offer.add(app, dwelling, day, day + datetime.timedelta(days=7), None, "",
                             answer, None if answer == "pending" else day,
                             "location" if answer == "declined" else "", officer)
            if state == "allocated":
                allocation = self.t_allocation.add(m, app, dwelling, day,
                                                   day + datetime.timedelta(days=3), officer,
                                                   None, None)
                self.t_meeting.add(allocation, day + datetime.timedelta(days=2), None, "")
        elif state in ("offered", "declined", "accepted", "allocated"):
            row = self.t_application.rows[-1]
            self.t_application.rows[-1] = (*row[:16], "decided", *row[17:])

    def _consent(self, m, person, units):
        rng = self.rng
        given = person.registered + datetime.timedelta(days=rng.randint(0, 60))
        if given > self.today:
            return
        cid = self.t_consent.add(m, person.id, json.dumps(["followup"]),
                                 "Samarbeid om bolig og oppfølging", given,
                                 given + datetime.timedelta(days=365 * 2),
                                 given + datetime.timedelta(days=200) if rng.random() < 0.1
                                 else None, "written", person.contact, self._at(given), "", "",
                                 "categories")
        self.t_consent_from.add(cid, self._unit_of[m])
        self.t_consent_to.add(cid, units["nav"])

    def _board_history(self, m, person, leader):
        rng, today = self.rng, self.today
        current = person.tenancies and person.tenancies[-1].get("end") is None
        if rng.random() < 0.12:
            on = self._date_between(max(person.registered, self.window_start), today)
            still = current and rng.random() < 0.15
            off = None if still else min(today, on + datetime.timedelta(days=rng.randint(3, 60)))
            self.t_red.add(m, person.team, person.id, self._at(on), leader,
                           "Mistet kontakt etter utkastelsesvarsel.", person.contact,
                           self._at(off) if off else None, None if still else leader,
                           "" if still else "Kontakten er gjenopprettet.")
            if still:
                row = list(self.t_resident.rows[person._row_index])
                row[15] = None  # on the red board the whole team is responsible
                self.t_resident.rows[person._row_index] = tuple(row)
        if current:
            held = today - datetime.timedelta(days=rng.randint(0, 27))
            floor = today - datetime.timedelta(days=182)
            while held >= max(floor, person.registered):
                self.t_review.add(m, person.team, person.id, held, "Stabil i boligen.",
                                  "Fortsette ukentlige besøk.", leader)
                held -= datetime.timedelta(weeks=4)

    def run(self, *, progress=None) -> dict:
        sizes = municipality_sizes(self.scale)
        self._unit_of: dict[int, int] = {}
        summary = []
        for index, (dwellings, persons) in enumerate(sizes):
            with transaction.atomic():
                self._begin()
                summary.append(self.municipality(index, dwellings, persons,
                                                 big_team=self.scale.big_team))
            if progress:
                progress(index + 1, len(sizes))
        self.w.reset_sequences()
        return {"municipalities": summary, "rows": self.w.counts()}

    def _begin(self):
        if self.w.postgres:
            with connection.cursor() as cursor:
                # Only a superuser may switch the foreign-key triggers off; others load with
                # the checks on (deferred to each municipality's commit), only slower.
                cursor.execute("SELECT current_setting('is_superuser')")
                if cursor.fetchone()[0] == "on":
                    cursor.execute("SET LOCAL session_replication_role = replica")

"""The demo municipality: the size of the Sandnes example, built through the services.

82 care dwellings with 24-hour staffing, 750 transitional dwellings including 7 small houses,
about 400 residents with five years of tenancy history. Only synthetic identities.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker

from husly.access.models import AccessLogEntry, ConsentForm
from husly.access.policy import resident_access, staff_context_for
from husly.access.services import break_glass_start, consent_record
from husly.accounts import services as accounts
from husly.accounts.models import Role, UnitKind
from husly.allocation import services as allocation
from husly.allocation.selectors import vacant_dwellings
from husly.board import services as board
from husly.common.models import Category, Municipality
from husly.costs.demo import costs_demo
from husly.demo.identities import synthetic_national_id
from husly.fidelity.demo import fidelity_demo
from husly.financing.demo import financing_demo
from husly.followup import services as followup
from husly.followup.models import VisitStatus
from husly.forum.demo import forum_demo
from husly.guidance.demo import guidance_demo
from husly.housing import services as housing
from husly.housing.models import DwellingKind, DwellingStatus, Tenancy, TenancyEndReason
from husly.outcomes import services as outcome_services
from husly.people import services as people
from husly.people.models import Background, HousingSituation, ProtectedAddress, Resident

DEMO_NUMBER = "9999"
DEMO_NAME = "Demo kommune"
DEMO_PASSWORD = "husly-demo-2026"
# Demo staff get addresses under a reserved domain (RFC 2606): the reminder mails of
# `manage.py reminders_send` go to the console in the demo and could reach nobody anyway.
DEMO_MAIL_DOMAIN = "demo.husly.example"

# (username, first, last, role, unit key, health personnel, protected-address clearance)
DEMO_STAFF = [
    ("bolig", "Berit", "Boligkonsulent", Role.HOUSING_OFFICER, "housing", False, False),
    ("miljo", "Mats", "Miljøterapeut", Role.FOLLOWUP_WORKER, "followup", True, False),
    ("nav", "Nora", "NAV-veileder", Role.NAV_COUNSELLOR, "nav", False, False),
    ("vaktmester", "Viggo", "Vaktmester", Role.CARETAKER, "caretaker", False, False),
    ("eiendom", "Eirik", "Eiendomsforvalter", Role.PROPERTY_MANAGER, "property", False, False),
    ("leder", "Lena", "Fagleder", Role.TEAM_LEADER, "followup", True, True),
    ("analytiker", "Anders", "Analytiker", Role.ANALYST, None, False, False),
    ("admin", "Ada", "Administrator", Role.ADMINISTRATOR, None, False, False),
]

UNITS = {
    "housing": ("Boligtjenesten", UnitKind.HOUSING),
    "followup": ("Mestringsenheten", UnitKind.FOLLOWUP),
    "nav": ("NAV Demo", UnitKind.NAV),
    "property": ("Kommunal eiendom", UnitKind.PROPERTY),
    "caretaker": ("Miljøvaktmestertjenesten", UnitKind.CARETAKER),
}

TEAMS = ["Housing First-teamet", "Oppfølgingsteam Sentrum", "Oppfølgingsteam Vest"]

TAGS = [
    ("rop", "Egnet for ROP-gruppen"),
    ("skjermet", "Skjermet beliggenhet"),
    ("barnefamilie", "Egnet for barnefamilier"),
    ("husdyr", "Husdyr tillatt"),
]

HOMELESS = [
    HousingSituation.FRIENDS_FAMILY, HousingSituation.SHELTER_TEMPORARY,
    HousingSituation.INSTITUTION_RELEASE, HousingSituation.PRISON_RELEASE,
    HousingSituation.STREET, HousingSituation.OTHER_HOMELESS,
]


def demo_exists() -> bool:
    return Municipality.objects.filter(number=DEMO_NUMBER).exists()


@transaction.atomic
def demo_build(*, residents: int = 400, seed: int = 2026) -> Municipality:
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    fake = Faker("no_NO")
    fake.seed_instance(seed)
    today = timezone.localdate()

    municipality = accounts.municipality_create(number=DEMO_NUMBER, name=DEMO_NAME)
    units = {
        key: accounts.unit_create(municipality=municipality, name=name, kind=kind)
        for key, (name, kind) in UNITS.items()
    }
    teams = [accounts.team_create(municipality=municipality, name=n) for n in TEAMS]

    staff = {}
    for username, first, last, role, unit_key, health, cleared in DEMO_STAFF:
        user = accounts.staff_create(
            username=username, first_name=first, last_name=last, password=DEMO_PASSWORD,
            email=f"{username}@{DEMO_MAIL_DOMAIN}", is_health_personnel=health,
            cleared_for_protected_addresses=cleared,
            is_staff=role == Role.ADMINISTRATOR,
        )
        accounts.role_assign(user=user, municipality=municipality, role=role,
                             unit=units[unit_key] if unit_key else None)
        staff[username] = user
    hf_team = teams[0]
    for username in ("bolig", "miljo", "nav", "vaktmester"):
        accounts.team_member_add(team=hf_team, user=staff[username])
    accounts.team_member_add(team=hf_team, user=staff["leder"], is_leader=True)

    # More follow-up workers so every team has primary contacts; they are not printed.
    workers = {team.pk: [] for team in teams}
    workers[hf_team.pk].append(staff["miljo"])
    for i in range(9):
        team = teams[i % len(teams)]
        user = accounts.staff_create(
            username=f"miljo{i + 2}", first_name=fake.first_name(), last_name=fake.last_name(),
            password=DEMO_PASSWORD, email=f"miljo{i + 2}@{DEMO_MAIL_DOMAIN}",
            is_health_personnel=rng.random() < 0.7,
        )
        accounts.role_assign(user=user, municipality=municipality,
                             role=Role.FOLLOWUP_WORKER, unit=units["followup"])
        accounts.team_member_add(team=team, user=user)
        workers[team.pk].append(user)

    tags = {code: housing.suitability_tag_create(municipality=municipality, code=code, name=name,
                                                 by=None)
            for code, name in TAGS}
    # Synthetic organisation numbers with valid check digits.
    landlords = [
        housing.landlord_register(municipality=municipality, name=name, by=None,
                                  organisation_number=number, contact_name=contact,
                                  phone=phone)
        for name, number, contact, phone in (
            ("Demo Utleie AS", "912345688", "Siri Utleie", "51000001"),
            ("Fjordgata Eiendom AS", "912345696", "Per Fjordgata", "51000002"))
    ]

    dwellings = _dwellings(municipality, rng, fake, tags, landlords)
    _residents_and_tenancies(
        municipality=municipality, count=residents, rng=rng, fake=fake, today=today,
        dwellings=dwellings, teams=teams, workers=workers, staff=staff, units=units,
    )
    _agreements(municipality=municipality, rng=rng, today=today, staff=staff)
    _board(municipality=municipality, team=hf_team, staff=staff)
    _allocation_setup(municipality)
    _applications(municipality=municipality, rng=rng, today=today, staff=staff, units=units,
                  team=hf_team)
    _access_history(municipality=municipality, rng=rng, team=hf_team, staff=staff,
                    other=workers[teams[1].pk][0])
    _private_landlords(municipality=municipality, landlords=landlords, staff=staff, today=today)
    # Inhabitants on 1 January, as a leader enters them from SSB: a Sandnes-sized town.
    inhabitants = 80_000
    for year in range(today.year - 5, today.year + 1):
        outcome_services.population_record(municipality=municipality, year=year,
                                           inhabitants=inhabitants, by=staff["leder"])
        inhabitants += rng.randint(500, 1100)

    fidelity_demo(municipality, hf_team, staff["leder"])

    forum_demo(municipality, staff)

    financing_demo(municipality, staff)

    guidance_demo(municipality, staff)

    costs_demo(municipality, staff)

    _newly_identified(municipality=municipality, seed=seed, today=today, staff=staff,
                      units=units, team=teams[1])
    return municipality


RECENTLY_IDENTIFIED = 12


def _newly_identified(*, municipality, seed, today, staff, units, team):
    """People found without a home in each of the last twelve months, new to the list: the
    flow page's "newly identified" (Built for Zero). A random stream of their own, so the
    rest of the demo stays as it was."""
    rng = random.Random(seed + 19)  # noqa: S311 - reproducible demo data, not security
    fake = Faker("no_NO")
    fake.seed_instance(seed + 19)
    officer = staff["bolig"]
    for months_ago in range(RECENTLY_IDENTIFIED):
        month = today.replace(day=1)
        for _ in range(months_ago):
            month = (month - datetime.timedelta(days=1)).replace(day=1)
        since = min(today, month + datetime.timedelta(days=rng.randint(0, 27)))
        birth = today - datetime.timedelta(days=rng.randint(19, 60) * 365 + rng.randint(0, 364))
        resident = people.resident_register(
            municipality=municipality, by=officer, given_name=fake.first_name(),
            family_name=fake.last_name(), national_id=synthetic_national_id(birth, rng),
            birth_date=birth, phone=fake.phone_number(), background=rng.choice(Background.values),
            housing_situation=rng.choice(HOMELESS), housing_situation_since=since, team=team)
        people.case_open(resident=resident, unit=units["housing"], assigned_to=officer,
                         by=officer)


def _dwellings(municipality, rng, fake, tags, landlords):
    dwellings = []
    gnr = 40
    # Care dwellings with 24-hour staffing: four buildings.
    for building, size in enumerate((24, 20, 20, 18), start=1):
        street = f"{fake.unique.street_name()} {rng.randint(1, 40)}"
        for n in range(size):
            floor = 1 + n // 8
            dwellings.append(housing.dwelling_register(
                municipality=municipality, by=None, street_address=street, postal_code="4306",
                postal_place="Demoby", bruksenhetsnummer=f"H{floor:02d}{n % 8 + 1:02d}",
                matrikkel=f"{gnr}/{100 + building}/0/{n + 1}", kind=DwellingKind.CARE, rooms=1,
                area_m2=Decimal(rng.choice(["32.0", "35.5", "38.0", "41.0"])), floor=floor,
                has_lift=True, wheelchair_accessible=True,
                suitability=[tags["rop"]] if building <= 2 else [],
            ))
    # Seven small houses suited for the ROP group.
    for n in range(7):
        dwellings.append(housing.dwelling_register(
            municipality=municipality, by=None,
            street_address=f"{fake.unique.street_name()} {rng.randint(1, 90)}",
            postal_code="4310", postal_place="Demoby", matrikkel=f"{gnr + 1}/{200 + n}",
            kind=DwellingKind.SMALL_HOUSE, rooms=rng.choice([1, 2]), area_m2=Decimal("28.0"),
            floor=1, suitability=[tags["rop"], tags["skjermet"], tags["husdyr"]],
        ))
    # 743 transitional dwellings in blocks of 4–12 flats.
    remaining = 743
    block = 0
    while remaining:
        size = min(remaining, rng.randint(4, 12))
        block += 1
        street = f"{fake.unique.street_name()} {rng.randint(1, 120)}"
        private = block % 15 == 0  # transitional flats the municipality leases privately
        for n in range(size):
            floor = 1 + n // 4
            rooms = rng.choice([1, 1, 2, 2, 2, 3, 4])
            suitability = []
            if rooms >= 3:
                suitability.append(tags["barnefamilie"])
            if floor == 1 and rng.random() < 0.15:
                suitability.append(tags["rop"])
            dwellings.append(housing.dwelling_register(
                municipality=municipality, by=None, street_address=street,
                postal_code=rng.choice(["4306", "4307", "4308", "4310", "4312"]),
                postal_place="Demoby", bruksenhetsnummer=f"H{floor:02d}{n % 4 + 1:02d}",
                matrikkel=f"{gnr + 2 + block // 50}/{block}/0/{n + 1}",
                kind=DwellingKind.TRANSITIONAL,
                rooms=rooms, area_m2=Decimal(25 + rooms * 14 + rng.randint(0, 9)), floor=floor,
                has_lift=floor > 2 and rng.random() < 0.5,
                wheelchair_accessible=floor == 1 and rng.random() < 0.3,
                suitability=suitability,
                owner_kind="private" if private else "municipal",
                landlord=landlords[block % 2] if private else None,
                status=DwellingStatus.OUT_OF_SERVICE if rng.random() < 0.01 else (
                    DwellingStatus.BEING_PREPARED if rng.random() < 0.03 else DwellingStatus.VACANT
                ),
            ))
        remaining -= size
    return dwellings


def _residents_and_tenancies(*, municipality, count, rng, fake, today, dwellings, teams, workers,
                             staff, units):
    start_of_history = today - datetime.timedelta(days=5 * 365)
    free_from = {d.pk: start_of_history for d in dwellings if d.status == DwellingStatus.VACANT}
    by_pk = {d.pk: d for d in dwellings}
    officer = staff["bolig"]
    for i in range(count):
        age = rng.randint(18, 70)
        birth = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        team = teams[0] if i % 3 == 0 else rng.choice(teams)
        primary = rng.choice(workers[team.pk]) if rng.random() < 0.92 else None
        situation_since = start_of_history + datetime.timedelta(days=rng.randint(0, 200))
        resident = people.resident_register(
            municipality=municipality, by=officer,
            given_name=fake.first_name(), family_name=fake.last_name(),
            national_id=synthetic_national_id(birth, rng) if rng.random() < 0.95 else "",
            birth_date=birth, phone=fake.phone_number() if rng.random() < 0.85 else "",
            background=rng.choice(Background.values),
            housing_situation=rng.choice(HOMELESS), housing_situation_since=situation_since,
            protected_address=(
                ProtectedAddress.STRICTLY_CONFIDENTIAL if i % 97 == 5 else
                ProtectedAddress.CONFIDENTIAL if i % 61 == 7 else ProtectedAddress.NONE
            ),
            guardian_name=fake.name() if rng.random() < 0.08 else "",
            team=team, primary_contact=primary,
        )
        if rng.random() < 0.06:
            resident = people.resident_update(
                resident=resident, by=officer, guardian_phone=fake.phone_number(),
                guardian_scope="Økonomi og bolig")
        _history(resident, rng, today, situation_since, free_from, by_pk, officer)
        if resident.housing_situation in HOMELESS:
            people.case_open(resident=resident, unit=units["housing"], assigned_to=officer,
                             by=officer)
        _notes(resident, rng, staff, today)
        if rng.random() < 0.5:
            consent_record(
                resident=resident, from_units=[units["followup"]],
                to_units=[units["nav"], units["housing"]], categories=[Category.FOLLOWUP],
                purpose="Å beholde boligen", given_on=situation_since, form=ConsentForm.WRITTEN,
                by=staff["miljo"],
            )


def _history(resident, rng, today, since, free_from, by_pk, officer):
    """Up to three tenancies in a row: some end as planned, some fail and are re-settled."""
    cursor = since + datetime.timedelta(days=rng.randint(5, 120))
    for attempt in range(3):
        if cursor >= today or rng.random() < (0.08 if attempt == 0 else 0.4):
            return
        candidates = [pk for pk, free in free_from.items() if free <= cursor]
        if not candidates:
            return
        dwelling = by_pk[rng.choice(candidates)]
        end = cursor + datetime.timedelta(days=rng.randint(200, 2600))
        # Three-year leases, renewed while the tenancy lasts: show the term now running.
        term_end = cursor
        while term_end <= min(end, today):
            term_end += datetime.timedelta(days=3 * 365)
        tenancy = housing.tenancy_register(
            dwelling=dwelling, residents=[resident], start_date=cursor, fixed_term_end=term_end,
            monthly_rent=Decimal(rng.randrange(5500, 11000, 250)), by=officer,
        )
        if end >= today:
            free_from.pop(dwelling.pk)
            return
        reason = rng.choice([
            TenancyEndReason.PLANNED_MOVE, TenancyEndReason.PLANNED_MOVE,
            TenancyEndReason.BOUGHT_OWN_HOME, TenancyEndReason.EVICTION,
            TenancyEndReason.ABANDONMENT, TenancyEndReason.INSTITUTION, TenancyEndReason.PRISON,
        ])
        after = (rng.choice(HOMELESS) if reason in TenancyEndReason.unplanned()
                 else HousingSituation.OWN_HOME)
        housing.tenancy_end(tenancy=tenancy, end_date=end, end_reason=reason,
                            housing_situation_after=after, by=officer)
        free_from[dwelling.pk] = end + datetime.timedelta(days=rng.randint(7, 60))
        if after == HousingSituation.OWN_HOME:
            return
        cursor = end + datetime.timedelta(days=rng.randint(10, 200))


NOTES = {
    Category.HOUSING: ["Søknad om kommunal bolig mottatt.", "Befaring av bolig gjennomført.",
                       "Husleiekontrakt gjennomgått med beboer."],
    Category.FOLLOWUP: ["Ukentlig besøk gjennomført. Boligen ryddig.",
                        "Beboer ønsker hjelp med å handle inn.",
                        "Samtale om nettverk og fritid."],
    Category.HEALTH: ["Medisinering gjennomgått med fastlege.", "Avtale hos DPS neste uke."],
    Category.NAV: ["Søknad om bostøtte sendt.", "Depositumsgaranti innvilget."],
}


def _notes(resident, rng, staff, today):
    authors = {Category.HOUSING: staff["bolig"], Category.FOLLOWUP: staff["miljo"],
               Category.HEALTH: staff["miljo"], Category.NAV: staff["nav"]}
    for category, texts in NOTES.items():
        if rng.random() < 0.6:
            when = timezone.now() - datetime.timedelta(days=rng.randint(1, 400))
            people.resident_note_write(resident=resident, category=category,
                                       text=rng.choice(texts), by=authors[category],
                                       written_at=when)


CRITERIA = [
    "18 år eller eldre",
    "Bosatt i kommunen de siste 12 månedene",
    "Ikke i stand til å skaffe egnet bolig selv",
    "Inntekt og formue under grensen i tildelingsreglene",
    "Housing First: følges opp av Mestringsenheten og ønsker oppfølging i egen bolig",
]

TASKS = [
    ("Følge søkeren på visning", "followup", 1, True, False,
     "Trygghet: beboeren skal se boligen sammen med noen de kjenner før de sier ja."),
    ("Avklare behov for verge", "followup", 2, False, False,
     "Sikre at beboeren får hjelp med økonomi og avtaler der de selv ønsker det."),
    ("Første husleie og depositumsgaranti fra NAV", "nav", 2, True, False,
     "Ingen skal starte leieforholdet med gjeld: husleie og depositum må være på plass."),
    ("Klargjøre boligen: seng og enkle møbler", "caretaker", 3, True, True,
     "Beboeren skal kunne sove i boligen første natt."),
    ("Signere husleiekontrakt", "housing", 3, True, False,
     "Kontrakten gir beboeren egne rettigheter som leietaker."),
    ("Utlevere nøkler", "housing", 4, True, False,
     "Nøkkeldagen er målet: fra bostedsløs til egen dør."),
    ("Strøm og adresseendring", "followup", 5, False, False,
     "Lys og varme fra første dag, og post som kommer fram."),
]


def _private_landlords(*, municipality, landlords, staff, today):
    """Goodwill in the private market: the housing service's contacts with its landlords, a
    private person who lets one flat, an offer under consideration, and one resident of the
    Housing First team renting directly from a landlord."""
    officer = staff["bolig"]
    person = housing.landlord_register(municipality=municipality, name="Ola Utleiersen",
                                       kind="person", phone="90000003", by=officer)
    def day(*, days):
        return today - datetime.timedelta(days=days)

    for landlord, kind, days, summary in (
            (landlords[0], "meeting", 90, "Årlig møte om samarbeidet. Ønsker fast kontaktperson."),
            (landlords[0], "agreement", 60, "Rammeavtale om innleie av to leiligheter i 3 år."),
            (landlords[1], "call", 20, "Spurte om ledige leiligheter. Ringer igjen om en måned."),
            (person, "call", 10, "Har en hybel som blir ledig. Vil gjerne leie ut til kommunen.")):
        housing.landlord_contact_record(landlord=landlord, kind=kind, contacted_on=day(days=days),
                                        summary=summary, by=officer)
    housing.landlord_contact_record(
        landlord=person, kind="offer", contacted_on=day(days=5), by=officer,
        summary="Hybel med eget bad, ledig fra neste måned.", offered_address="Storgata 12",
        offered_rooms=1, offered_rent=Decimal("6500"))
    resident = (Resident.objects.filter(municipality=municipality, team__isnull=False,
                                        housing_situation__in=HousingSituation.homeless())
                .order_by("pk").first())
    if resident is not None:
        housing.private_lease_register(
            landlord=landlords[1], resident=resident, street_address="Fjordgata 4",
            postal_code="4306", postal_place="Sandnes", monthly_rent=Decimal("8200"),
            start_date=day(days=30), by=officer)


def _allocation_setup(municipality):
    allocation.allocation_settings_save(
        municipality=municipality, by=None, lease_lengths_months=[36, 60],
        contact="Boligtjenesten, telefon 51 00 00 00, boligtjenesten@demo.kommune.no",
        appeal_body="Kommunens klagenemnd",
    )
    for order, text in enumerate(CRITERIA):
        allocation.criterion_create(municipality=municipality, text=text, order=order, by=None)
    for order, (title, unit_kind, days, blocks, prep, purpose) in enumerate(TASKS):
        allocation.task_template_create(
            municipality=municipality, title=title, unit_kind=unit_kind, due_business_days=days,
            blocks_move_in=blocks, is_preparation=prep, order=order, purpose=purpose, by=None)


def _applications(*, municipality, rng, today, staff, units, team):
    """Applications from homeless residents of the Housing First team, in every stage."""

    officer, worker, nav = staff["bolig"], staff["miljo"], staff["nav"]
    applicants = list(Resident.objects.filter(
        municipality=municipality, team=team,
        housing_situation__in=HousingSituation.homeless()).order_by("id")[:40])
    stages = ["received", "statement_requested", "statement_given", "decided", "refused",
              "offered", "declined", "accepted", "allocated", "met", "moved_in"]
    for i, resident in enumerate(applicants):
        stage = stages[i % len(stages)]
        registered = today - datetime.timedelta(days=rng.randint(5, 50))
        application = allocation.application_register(
            applicant=resident, officer_unit=units["housing"], by=officer,
            registered_on=registered, housing_first=True, rooms_needed=rng.choice([1, 1, 2]),
            needs_rop_suited=rng.random() < 0.4, wishes="Vil bo rolig, nær bussen.",
            referral_source=resident.background,
            # Most consent to the statement when they apply; the rest show the page that
            # asks for it (ADR 0030).
            statement_consent_form="written" if i % 3 else "")
        if stage == "received":
            continue
        allocation.statement_request(application=application, by=officer)
        if stage == "statement_requested":
            continue
        allocation.statement_give(
            application=application, by=worker,
            text="Følges opp ukentlig. Trenger rolig bolig uten mange naboer.")
        if stage == "statement_given":
            continue
        granted = stage != "refused"
        allocation.application_decide(
            application=application, granted=granted, kind="dwelling",
            reasons=("Søkeren oppfyller tildelingskriteriene og har behov for bolig med "
                     "oppfølging." if granted else "Søkeren har fått egen bolig gjennom familie."),
            legal_basis="Tildelingsregler for kommunale boliger § 3",
            dwelling_kind="transitional" if granted else "", rooms=1 if granted else None,
            lease_months=36 if granted else None, by=officer,
            decided_on=min(today, registered + datetime.timedelta(days=rng.randint(3, 20))))
        if stage in ("decided", "refused"):
            continue
        dwelling = rng.choice(list(vacant_dwellings(municipality=municipality)[:50]))
        allocation.offer_make(application=application, dwelling=dwelling, by=officer)
        if stage == "offered":
            continue
        if stage == "declined":
            allocation.offer_answer(application=application, accepted=False,
                                    decline_reason="location", by=officer)
            continue
        allocation.offer_viewing_record(application=application, viewing_on=today,
                                        companions="Mats Miljøterapeut", by=officer)
        allocation.offer_answer(application=application, accepted=True, by=officer)
        if stage == "accepted":
            continue
        registered_allocation = allocation.allocation_register(application=application,
                                                               by=officer)
        if stage == "allocated":
            continue
        allocation.joint_meeting_hold(
            meeting=registered_allocation.meeting, held_on=today,
            attendees=[officer, worker, nav], note="Mats blir med på visning. NAV betaler "
            "første husleie.", assignees={}, by=officer)
        if stage == "met":
            continue
        for task in registered_allocation.tasks.select_related("work_order"):
            if task.work_order_id:
                housing.work_order_complete(
                    work_order=task.work_order, what_was_done="Seng og bord satt inn.",
                    guidance_given="Viste hvordan komfyren slås av.", by=staff["vaktmester"])
            else:
                allocation.move_in_task_complete(task=task, by=officer)
        allocation.allocation_move_in(allocation=registered_allocation, moved_in_on=today,
                                      monthly_rent=Decimal("7400"), by=officer)


VISIT_FOCUSES = [
    "Se på om kjøleskapet har mat; øve på å betale husleie i nettbank.",
    "Gå gjennom posten sammen og svare på brevet fra NAV.",
    "Handle inn til uka sammen og lage en enkel middag.",
    "Snakke om naboklagen og hva som kan gjøre kveldene roligere.",
    "Sjekke røykvarsleren og øve på å slå av komfyren.",
    "Bli med til dagsenteret og høre om ønsket om arbeidstrening.",
    "Rydde kjøkkenet sammen og avtale når søpla skal ut.",
    "Lage en plan for helgen: hvem kan beboeren ringe om det blir tungt?",
    "Følge opp søknaden om bostøtte og sjekke at husleia er betalt.",
    "Henge opp gardiner og gjøre stua mer til et hjem.",
]

PLAN_GOALS = [
    {"wants_help_with": "Økonomi og regninger.", "goals": "Betale husleia selv hver måned "
     "og ha mat i kjøleskapet hele uka.", "you_do": "Åpne posten hver mandag."},
    {"wants_help_with": "Komme i aktivitet.", "goals": "Få en fast dag på dagsenteret og "
     "prøve arbeidstrening før sommeren.", "service_does": "Følger meg første gang."},
    {"wants_help_with": "Naboer og ro i oppgangen.", "goals": "Bo her lenge: ingen klager "
     "fra naboene og besøk som går hjem før kl. 23.", "you_do": "Si fra når det blir mye."},
]


def _agreements(*, municipality, rng, today, staff):
    """Follow-up agreements for housed residents followed by a team, with ten weeks of
    visits: most done, some missed (so the alerts show), one health-care opt-out."""

    housed = Tenancy.objects.current(on=today).values("residents")
    residents = list(Resident.objects.filter(municipality=municipality, pk__in=housed,
                                             team__isnull=False, primary_contact__isnull=False)
                     .select_related("team", "primary_contact").order_by("id"))
    for i, resident in enumerate(residents[:80]):
        if i % 9 == 4:
            continue  # some have none yet: the report "without agreement" lists them
        tenancy_start = (Tenancy.objects.current(on=today).filter(residents=resident)
                         .values_list("start_date", flat=True).first())
        start = max(tenancy_start, today - datetime.timedelta(weeks=10))
        agreement = followup.agreement_create(
            resident=resident, team=resident.team, primary_contact=resident.primary_contact,
            start_date=start, visit_weekday=rng.randint(0, 4), signed_on=start,
            health_care_accepted=rng.random() < 0.85, by=resident.primary_contact)
        missing = 2 if i % 13 == 0 else 0
        past = list(agreement.visits.filter(planned_on__lt=today).order_by("planned_on"))
        for visit in past[:len(past) - missing] if missing else past:
            status = rng.choices([VisitStatus.DONE, VisitStatus.NOT_HOME,
                                  VisitStatus.CANCELLED], [0.85, 0.1, 0.05])[0]
            followup.visit_record(
                visit=visit, status=status, by=resident.primary_contact,
                damage=rng.random() < 0.05, hygiene_concern=rng.random() < 0.08,
                neighbour_complaint=rng.random() < 0.04,
                note_text="Ukentlig besøk. Beboeren hadde det greit." if status == "done"
                else "")
        if i % 3 != 2:
            # Most of the coming visits have a focus written in the morning meeting.
            upcoming = agreement.visits.filter(planned_on__gte=today,
                                               status=VisitStatus.PLANNED).order_by("planned_on")
            for week, visit in enumerate(upcoming[:2]):
                followup.visit_focus_set(visit=visit, by=resident.primary_contact,
                                         focus=VISIT_FOCUSES[(i + week) % len(VISIT_FOCUSES)])
        elif i % 2 == 0:
            # Others have no focus yet: the board shows the goal in their user contract.
            followup.plan_save(resident=resident, kind="user_contract", based_on=0,
                               review_on=today + datetime.timedelta(days=90),
                               by=resident.primary_contact,
                               answers=PLAN_GOALS[i % len(PLAN_GOALS)])
        if i == 7 and agreement.health_care_accepted:
            followup.health_care_decline(agreement=agreement, on=today,
                                         by=resident.primary_contact)
        if i == 11 and agreement.health_care_accepted:
            # Declined two weeks ago and the meeting never held: the team leader's inbox
            # shows it as a late hand-off, with who holds it (ADR 0030).
            followup.health_care_decline(agreement=agreement,
                                         on=today - datetime.timedelta(days=14),
                                         by=resident.primary_contact)


def _board(*, municipality, team, staff):
    """Two residents on the red board (one since taken off) and a few reviews this cycle."""

    followed = list(Resident.objects.filter(municipality=municipality, team=team)
                    .exclude(primary_contact__isnull=True).order_by("id")[:12])
    if len(followed) < 4:
        return
    leader = staff["leder"]
    board.red_board_put(team=team, resident=followed[0], by=leader,
                        reason="Har sluttet å åpne døra og svarer ikke på telefon.")
    board.red_board_put(team=team, resident=followed[1], by=leader,
                        reason="Mye uro og klager fra naboer.")
    board.red_board_take_off(team=team, resident=followed[1], by=leader,
                             reason="Roligere etter samtale og ny avtale med NAV.",
                             primary_contact=staff["miljo"])
    for resident in followed[2:8]:
        board.review_record(team=team, resident=resident, by=leader,
                            what_matters_now="Trives i boligen, ønsker dagaktivitet.",
                            next_steps="Primærkontakt undersøker arbeidstrening.")


def _access_history(*, municipality, rng, team, staff, other):
    """Sixty days of reads of the team's residents, a few in the evening, and one emergency
    access the team leader has not reviewed yet: the access log and the review have content."""

    followed = list(Resident.objects.filter(municipality=municipality, team=team)
                    .order_by("id")[:40])
    now = timezone.now()
    rows = []
    for username in ("miljo", "nav", "bolig", "leder"):
        reader = staff_context_for(staff[username], municipality.pk)
        for resident in rng.sample(followed, min(15, len(followed))):
            access = resident_access(reader, resident)
            for _ in range(rng.randint(1, 4)):
                hour = rng.choice([8, 9, 10, 11, 13, 14, 15, 21])
                at = (now - datetime.timedelta(days=rng.randint(1, 60))).replace(
                    hour=hour, minute=rng.randint(0, 59))
                rows.append(AccessLogEntry(
                    municipality=municipality, user=reader.user, resident=resident,
                    accessed_at=at, categories=",".join(sorted(access.categories)),
                    basis=access.basis, view="resident_detail",
                    unit=reader.units[0] if reader.units else None))
    # Seeded history: written in one go, as an import would, not read by read.
    AccessLogEntry.objects.bulk_create(rows)
    outsider = staff_context_for(other, municipality.pk)
    stranger = next((r for r in followed if not resident_access(outsider, r).allowed), None)
    if stranger is not None:
        break_glass_start(staff=outsider, resident=stranger, reason="crisis",
                          explanation="Ringte vakttelefonen i kveld og var svært urolig; "
                                      "primærkontakten var ikke å nå.")

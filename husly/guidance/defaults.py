"""The texts and the first-day checklist every municipality starts with, in bokmål and
nynorsk. `services.guidance_ensure` stores them once in the municipality's written language;
from then on they are the municipality's own, edited by the team leader.

Content, not interface: these are stored as data, not translated with gettext. Synthetic
and general: no person, no health information."""

from dataclasses import dataclass

from husly.guidance.models import Place


@dataclass(frozen=True)
class DefaultText:
    key: str
    place: str
    nb: tuple[str, str]  # (title, body); paragraphs separated by a blank line
    nn: tuple[str, str]

    def in_language(self, language: str) -> tuple[str, str]:
        return self.nn if language == "nn" else self.nb


@dataclass(frozen=True)
class DefaultItem:
    key: str
    nb: str
    nn: str

    def in_language(self, language: str) -> str:
        return self.nn if language == "nn" else self.nb


# The eight principles of the Housing First Europe guide, in its order.
PRINCIPLES = (
    DefaultText(
        "principle-human-right", Place.PRINCIPLES,
        ("Bolig er en menneskerett",
         "Beboeren får en egen, varig bolig uten å måtte vise seg «klar» først: ingen krav "
         "om rusfrihet, behandling eller botrening. Boligen er utgangspunktet for "
         "oppfølgingen, ikke belønningen for den. Leieforholdet følger husleieloven som for "
         "alle andre leietakere."),
        ("Bustad er ein menneskerett",
         "Bebuaren får ein eigen, varig bustad utan å måtte vise seg «klar» først: ingen krav "
         "om rusfridom, behandling eller butrening. Bustaden er utgangspunktet for "
         "oppfølginga, ikkje løna for ho. Leigeforholdet følgjer husleigelova som for alle "
         "andre leigetakarar.")),
    DefaultText(
        "principle-choice-and-control", Place.PRINCIPLES,
        ("Valg og kontroll for beboeren",
         "Beboeren bestemmer så langt det går: hvor de vil bo når det finnes valg, hva de vil "
         "ha hjelp til, og når. Vi spør før vi foreslår, og planene skrives med beboerens "
         "egne ord."),
        ("Val og kontroll for bebuaren",
         "Bebuaren bestemmer så langt det går: kvar dei vil bu når det finst val, kva dei vil "
         "ha hjelp til, og når. Vi spør før vi føreslår, og planane vert skrivne med "
         "bebuaren sine eigne ord.")),
    DefaultText(
        "principle-housing-and-treatment", Place.PRINCIPLES,
        ("Bolig og behandling er atskilt",
         "Retten til boligen henger ikke på om beboeren tar imot behandling eller helsehjelp. "
         "Den som takker nei til helsehjelp, beholder både boligen og oppfølgingen. Blir "
         "beboeren innlagt eller flytter, følger oppfølgingen med."),
        ("Bustad og behandling er skilde",
         "Retten til bustaden heng ikkje på om bebuaren tek imot behandling eller helsehjelp. "
         "Den som takkar nei til helsehjelp, held på både bustaden og oppfølginga. Vert "
         "bebuaren innlagd eller flyttar, følgjer oppfølginga med.")),
    DefaultText(
        "principle-recovery", Place.PRINCIPLES,
        ("Bedringsorientering (recovery)",
         "Vi ser etter det som fungerer, og bygger videre på det: helse, relasjoner, hverdag, "
         "arbeid eller aktivitet. Håp er en del av jobben. Bedring er beboerens egen prosess, "
         "i eget tempo."),
        ("Betringsorientering (recovery)",
         "Vi ser etter det som fungerer, og byggjer vidare på det: helse, relasjonar, "
         "kvardag, arbeid eller aktivitet. Håp er ein del av jobben. Betring er bebuaren sin "
         "eigen prosess, i eige tempo.")),
    DefaultText(
        "principle-harm-reduction", Place.PRINCIPLES,
        ("Skadereduksjon",
         "Vi møter rusbruk og risiko der beboeren er, uten å moralisere. Målet er mindre skade "
         "for beboeren, boligen og naboene: tryggere bruk, brannsikkerhet, mat og søvn. "
         "Rusbruk alene er aldri grunn til å miste boligen."),
        ("Skadereduksjon",
         "Vi møter rusbruk og risiko der bebuaren er, utan å moralisere. Målet er mindre skade "
         "for bebuaren, bustaden og naboane: tryggare bruk, brannsikring, mat og søvn. "
         "Rusbruk åleine er aldri grunn til å miste bustaden.")),
    DefaultText(
        "principle-engagement-without-coercion", Place.PRINCIPLES,
        ("Aktiv involvering uten tvang",
         "Vi tar kontakt, kommer tilbake og holder døren åpen, også når beboeren ikke vil "
         "snakke i dag. Vi presser ikke og truer ikke med konsekvenser; vi er utholdende og "
         "forutsigbare."),
        ("Aktiv involvering utan tvang",
         "Vi tek kontakt, kjem tilbake og held døra open, også når bebuaren ikkje vil snakke i "
         "dag. Vi pressar ikkje og trugar ikkje med konsekvensar; vi er uthaldande og "
         "føreseielege.")),
    DefaultText(
        "principle-person-centred-planning", Place.PRINCIPLES,
        ("Personsentrert planlegging",
         "Brukerkontrakten, trygghetsplanen og kriseplanen lages sammen med beboeren, ut fra "
         "beboerens mål og ikke tjenestenes. De oppdateres når livet endrer seg."),
        ("Personsentrert planlegging",
         "Brukarkontrakten, tryggleiksplanen og kriseplanen vert laga saman med bebuaren, ut "
         "frå måla til bebuaren og ikkje tenestene sine. Dei vert oppdaterte når livet "
         "endrar seg.")),
    DefaultText(
        "principle-flexible-support", Place.PRINCIPLES,
        ("Fleksibel støtte så lenge det trengs",
         "Oppfølgingen skrus opp og ned etter behov og avsluttes ikke fordi det har gått en "
         "viss tid. Det er ingen tidsbegrenset tiltakspakke: vi er der så lenge beboeren "
         "trenger det."),
        ("Fleksibel støtte så lenge det trengst",
         "Oppfølginga vert skrudd opp og ned etter behov og vert ikkje avslutta fordi det har "
         "gått ei viss tid. Det er ingen tidsavgrensa tiltakspakke: vi er der så lenge "
         "bebuaren treng det.")),
)

IN_CONTEXT = (
    DefaultText(
        "weekly-visit", Place.AGREEMENT,
        ("Hvorfor avtalen har et ukentlig besøk",
         "Alle som bor i kommunal bolig og får tjenester, får tilbud om en oppfølgingsavtale. "
         "Avtalen har et ukentlig besøk i tillegg til eventuell helsehjelp. Beboeren kan takke "
         "nei til helsehjelp, men ikke til det ukentlige besøket: det er slik vi ser hvordan "
         "beboeren og boligen har det, og kan hjelpe før noe går galt.\n\n"
         "Er beboeren ikke hjemme, registrerer du besøket som «Ikke hjemme». Prøv igjen "
         "senere i uka, ring eller legg igjen en lapp, og ta det opp på morgenmøtet. Fortsett "
         "oppfølgingen som før. Et besøk som ikke blir noe av, er aldri en sanksjon mot "
         "leieforholdet. To uker på rad uten besøk betyr at teamet snakker sammen samme dag."),
        ("Kvifor avtalen har eit vekentleg besøk",
         "Alle som bur i kommunal bustad og får tenester, får tilbod om ein oppfølgingsavtale. "
         "Avtalen har eit vekentleg besøk i tillegg til eventuell helsehjelp. Bebuaren kan "
         "takke nei til helsehjelp, men ikkje til det vekentlege besøket: det er slik vi ser "
         "korleis bebuaren og bustaden har det, og kan hjelpe før noko går gale.\n\n"
         "Er bebuaren ikkje heime, registrerer du besøket som «Ikkje heime». Prøv igjen "
         "seinare i veka, ring eller legg att ein lapp, og ta det opp på morgonmøtet. Hald "
         "fram med oppfølginga som før. Eit besøk som ikkje vert noko av, er aldri ein "
         "sanksjon mot leigeforholdet. To veker på rad utan besøk tyder at teamet snakkar "
         "saman same dag.")),
    DefaultText(
        "on-the-visit", Place.VISIT,
        ("På det ukentlige besøket",
         "Se hvordan beboeren har det, og hvordan boligen brukes og holdes: skader, fukt, "
         "brannsikkerhet, hygiene, farlige gjenstander. Gjør det som trengs der og da, og "
         "bestill en arbeidsordre til vaktmesterne når noe må repareres. Vis beboeren hvordan "
         "de kan gjøre det selv neste gang.\n\n"
         "Skriv kort hva du så og hva du gjorde. Helseopplysninger skrives bare i "
         "helsekategorien. Observasjonene i boligen skal hjelpe beboeren å beholde den, ikke "
         "samle grunner til å si opp."),
        ("På det vekentlege besøket",
         "Sjå korleis bebuaren har det, og korleis bustaden vert brukt og halden ved like: "
         "skadar, fukt, brannsikring, hygiene, farlege gjenstandar. Gjer det som trengst der "
         "og då, og bestill ein arbeidsordre til vaktmeistrane når noko må reparerast. Vis "
         "bebuaren korleis dei kan gjere det sjølv neste gong.\n\n"
         "Skriv kort kva du såg og kva du gjorde. Helseopplysningar vert skrivne berre i "
         "helsekategorien. Observasjonane i bustaden skal hjelpe bebuaren å halde på han, "
         "ikkje samle grunnar til å seie opp.")),
    DefaultText(
        "red-board-shared-responsibility", Place.RED_BOARD,
        ("Rød tavle: hele teamet har ansvaret",
         "Beboerne på rød tavle er de som trenger oss mest akkurat nå. Mens de står der, har de "
         "ingen primærkontakt: hele teamet har ansvaret, og besøkene deres står på alles "
         "liste. Den som treffer beboeren, skriver kort hva de så og gjorde, så neste i teamet "
         "vet det.\n\n"
         "I den ukentlige tavlegjennomgangen ser teamet på hver beboer på rød tavle: hva "
         "trengs nå, hvem gjør hva før neste gang, og kan beboeren tas av tavla? Når beboeren "
         "tas av, skriver dere hvorfor og velger en primærkontakt igjen."),
        ("Raud tavle: heile teamet har ansvaret",
         "Bebuarane på raud tavle er dei som treng oss mest akkurat no. Medan dei står der, "
         "har dei ingen primærkontakt: heile teamet har ansvaret, og besøka deira står på "
         "lista til alle. Den som møter bebuaren, skriv kort kva dei såg og gjorde, så den "
         "neste i teamet veit det.\n\n"
         "I den vekentlege tavlegjennomgangen ser teamet på kvar bebuar på raud tavle: kva "
         "trengst no, kven gjer kva før neste gong, og kan bebuaren takast av tavla? Når "
         "bebuaren vert teken av, skriv de kvifor og vel ein primærkontakt att.")),
    DefaultText(
        "joint-meeting", Place.ALLOCATION,
        ("Fellesmøtet innen tre virkedager",
         "Innen tre virkedager etter tildelingen møtes boligtjenesten, oppfølgingstjenesten og "
         "NAV. Møtet fordeler hvem som gjør hva før innflytting: hvem som blir med på visning, "
         "om det trengs verge, første husleie og depositumsgaranti fra NAV, klargjøring av "
         "boligen, nøkler og kontrakt. Hver oppgave får en ansvarlig enhet og person og en "
         "frist.\n\n"
         "Helger og helligdager teller ikke med. Beboeren skal ikke vente på at tjenestene "
         "blir enige: derfor er fristen kort."),
        ("Fellesmøtet innan tre yrkedagar",
         "Innan tre yrkedagar etter tildelinga møtest bustadtenesta, oppfølgingstenesta og "
         "NAV. Møtet fordeler kven som gjer kva før innflytting: kven som blir med på visning, "
         "om det trengst verje, første husleige og depositumsgaranti frå NAV, klargjering av "
         "bustaden, nøklar og kontrakt. Kvar oppgåve får ei ansvarleg eining og person og ein "
         "frist.\n\n"
         "Helger og heilagdagar tel ikkje med. Bebuaren skal ikkje vente på at tenestene blir "
         "samde: difor er fristen kort.")),
)

ROUTINES = (
    DefaultText(
        "routine-consent-and-confidentiality", Place.ROUTINE,
        ("Samtykke og taushetsplikt",
         "Boligtjenesten, oppfølgingstjenesten (helse) og NAV har hver sin taushetsplikt. "
         "Opplysninger går mellom enhetene bare når beboeren har samtykket, eller når det "
         "finnes et annet rettslig grunnlag. Registrer samtykket i Husly: fra hvilken enhet, "
         "til hvilken, hvilke opplysninger, formål og hvor lenge det gjelder. Å trekke "
         "samtykket skal være like enkelt som å gi det.\n\n"
         "Du ser bare beboere du har en tjenstlig grunn til å følge opp. Nødtilgang brukes "
         "bare når det haster, med en begrunnelse; lederen går gjennom hver bruk. Lederen "
         "tilpasser denne teksten til kommunens egen rutine."),
        ("Samtykke og teieplikt",
         "Bustadtenesta, oppfølgingstenesta (helse) og NAV har kvar si teieplikt. "
         "Opplysningar går mellom einingane berre når bebuaren har samtykt, eller når det "
         "finst eit anna rettsleg grunnlag. Registrer samtykket i Husly: frå kva eining, til "
         "kva eining, kva opplysningar, føremål og kor lenge det gjeld. Å trekkje samtykket "
         "skal vere like enkelt som å gi det.\n\n"
         "Du ser berre bebuarar du har ein tenestleg grunn til å følgje opp. Naudtilgang vert "
         "brukt berre når det hastar, med ei grunngiving; leiaren går gjennom kvar bruk. "
         "Leiaren tilpassar denne teksten til rutinen i kommunen.")),
    DefaultText(
        "routine-after-hours", Place.ROUTINE,
        ("Utenfor arbeidstid",
         "Ved fare for liv og helse: ring 113 (ambulanse), 112 (politi) eller 110 (brann). "
         "Legevakten har telefon 116 117. Har beboeren en kriseplan, se hva beboeren selv har "
         "skrevet at hjelper.\n\n"
         "Lederen skriver inn teamets vakttelefon og hvem som har vakt."),
        ("Utanfor arbeidstid",
         "Ved fare for liv og helse: ring 113 (ambulanse), 112 (politi) eller 110 (brann). "
         "Legevakta har telefon 116 117. Har bebuaren ein kriseplan, sjå kva bebuaren sjølv "
         "har skrive at hjelper.\n\n"
         "Leiaren skriv inn vakttelefonen til teamet og kven som har vakt.")),
)

DEFAULT_TEXTS = PRINCIPLES + IN_CONTEXT + ROUTINES
DEFAULT_KEYS = frozenset(text.key for text in DEFAULT_TEXTS)

FIRST_DAY_CHECKLIST = (
    DefaultItem("read-principles", "Les prinsippene for Housing First på metodesiden.",
                "Les prinsippa for Housing First på metodesida."),
    DefaultItem("access-and-two-factor", "Få tilgang til Husly og sett opp tofaktorinnlogging.",
                "Få tilgang til Husly og set opp tofaktorinnlogging."),
    DefaultItem("morning-meeting", "Møt teamet på morgenmøtet.", "Møt teamet på morgonmøtet."),
    DefaultItem("two-visits", "Bli med en erfaren kollega på to ukentlige besøk.",
                "Bli med ein røynd kollega på to vekentlege besøk."),
    DefaultItem("red-board", "Lær rød tavle: hvem står der, og hva felles ansvar betyr.",
                "Lær raud tavle: kven står der, og kva felles ansvar tyder."),
    DefaultItem("record-visit", "Lær å registrere et besøk og en observasjon i boligen.",
                "Lær å registrere eit besøk og ein observasjon i bustaden."),
    DefaultItem("after-hours", "Vit hvem du ringer utenfor arbeidstid.",
                "Vit kven du ringjer utanfor arbeidstid."),
    DefaultItem("consent-routines", "Les kommunens rutiner for samtykke og taushetsplikt.",
                "Les rutinane i kommunen for samtykke og teieplikt."),
)

"""The default items, copied into a municipality the first time it opens the fidelity pages
(`services.fidelity_items_ensure`). Paraphrased from the five domains of the Pathways Housing
First Fidelity Scale (Stefancic, Tsemberis et al.), adapted to Norwegian municipal practice
and scored 1–4 as there. The texts are the municipality's data, so they are written in both
written languages here and stored in the one the municipality uses; the leader edits them."""

# (key, {"nb": domain name, "nn": domain name}, ({"nb": item, "nn": item}, ...))
DEFAULT_ITEMS = (
    ("housing", {"nb": "Boligprosess og boligstruktur", "nn": "Bustadprosess og bustadstruktur"}, (
        {"nb": "Valg av bolig: deltakeren velger selv bolig og bomiljø blant reelle "
               "alternativer.",
         "nn": "Val av bustad: deltakaren vel sjølv bustad og bumiljø mellom reelle alternativ."},
        {"nb": "Tid til bolig: deltakeren flytter inn i egen bolig innen få uker etter oppstart.",
         "nn": "Tid til bustad: deltakaren flyttar inn i eigen bustad innan få veker etter "
               "oppstart."},
        {"nb": "Tilgang på boliger: kommunen har eller skaffer nok boliger, egne eller private, "
               "til at ingen blir gående og vente.",
         "nn": "Tilgang på bustader: kommunen har eller skaffar nok bustader, eigne eller "
               "private, til at ingen blir gåande og vente."},
        {"nb": "Rimelig bolig: husleien utgjør høyst om lag en tredjedel av inntekten, med "
               "bostøtte.",
         "nn": "Rimeleg bustad: husleiga utgjer høgst om lag ein tredjedel av inntekta, med "
               "bustøtte."},
        {"nb": "Spredte boliger: boligene ligger i vanlige bomiljøer, ikke samlet i egne bygg "
               "for målgruppen.",
         "nn": "Spreidde bustader: bustadene ligg i vanlege bumiljø, ikkje samla i eigne bygg "
               "for målgruppa."},
        {"nb": "Privatliv: deltakeren har egen bolig og deler ikke bad eller kjøkken med andre "
               "enn dem hen selv velger.",
         "nn": "Privatliv: deltakaren har eigen bustad og deler ikkje bad eller kjøkken med "
               "andre enn dei hen sjølv vel."},
        {"nb": "Hjelp til møblering: deltakeren får hjelp til å møblere og gjøre boligen klar "
               "før innflytting.",
         "nn": "Hjelp til møblering: deltakaren får hjelp til å møblere og gjere bustaden klar "
               "før innflytting."},
    )),
    ("separation", {"nb": "Skille mellom bolig og tjenester",
                    "nn": "Skilje mellom bustad og tenester"}, (
        {"nb": "Ingen krav om «boevne»: deltakeren må ikke vise at hen er klar for bolig, være "
               "rusfri eller i behandling før hen får bolig.",
         "nn": "Ingen krav om «buevne»: deltakaren må ikkje vise at hen er klar for bustad, "
               "vere rusfri eller i behandling før hen får bustad."},
        {"nb": "Leieforholdet er ikke betinget av behandling: deltakeren beholder boligen selv "
               "om hen takker nei til behandling.",
         "nn": "Leigeforholdet er ikkje avhengig av behandling: deltakaren held på bustaden "
               "sjølv om hen takkar nei til behandling."},
        {"nb": "Varig boforhold: deltakeren har en vanlig leiekontrakt etter husleieloven, uten "
               "tidsgrense knyttet til oppfølgingen.",
         "nn": "Varig buforhold: deltakaren har ein vanleg leigekontrakt etter husleigelova, "
               "utan tidsgrense knytt til oppfølginga."},
        {"nb": "Oppfølging utenfor boligen: oppfølgingstjenesten holder ikke til i boligbygget, "
               "og bolig og oppfølging har hvert sitt ansvar.",
         "nn": "Oppfølging utanfor bustaden: oppfølgingstenesta held ikkje til i bustadbygget, "
               "og bustad og oppfølging har kvart sitt ansvar."},
        {"nb": "Oppfølgingen fortsetter ved tap av bolig: teamet følger deltakeren videre og "
               "hjelper til ny bolig.",
         "nn": "Oppfølginga held fram ved tap av bustad: teamet følgjer deltakaren vidare og "
               "hjelper til ny bustad."},
    )),
    ("philosophy", {"nb": "Tjenestefilosofi", "nn": "Tenestefilosofi"}, (
        {"nb": "Valg av tjenester: deltakeren bestemmer selv hvilke tjenester hen tar imot, og "
               "hvor ofte.",
         "nn": "Val av tenester: deltakaren bestemmer sjølv kva tenester hen tek imot, og kor "
               "ofte."},
        {"nb": "Ingen krav om psykisk helsebehandling for å få eller beholde oppfølging.",
         "nn": "Ingen krav om psykisk helsebehandling for å få eller halde på oppfølging."},
        {"nb": "Ingen krav om rusbehandling eller rusfrihet for å få eller beholde oppfølging.",
         "nn": "Ingen krav om rusbehandling eller rusfridom for å få eller halde på "
               "oppfølging."},
        {"nb": "Skadereduksjon: teamet møter rusbruk med tiltak som reduserer skade, ikke med "
               "krav om avhold.",
         "nn": "Skadereduksjon: teamet møter rusbruk med tiltak som reduserer skade, ikkje med "
               "krav om avhald."},
        {"nb": "Motiverende intervju: de ansatte bruker motiverende samtaleteknikk i "
               "oppfølgingen.",
         "nn": "Motiverande intervju: dei tilsette brukar motiverande samtaleteknikk i "
               "oppfølginga."},
        {"nb": "Ingen tvang: teamet bruker ikke press, trusler eller vilkår for å få deltakeren "
               "til å følge en plan.",
         "nn": "Ingen tvang: teamet brukar ikkje press, truslar eller vilkår for å få "
               "deltakaren til å følgje ein plan."},
        {"nb": "Personsentrert planlegging: planene bygger på deltakerens egne mål og er skrevet "
               "sammen med hen.",
         "nn": "Personsentrert planlegging: planane byggjer på deltakaren sine eigne mål og er "
               "skrivne saman med hen."},
    )),
    ("array", {"nb": "Tjenestetilbud", "nn": "Tenestetilbod"}, (
        {"nb": "Bistand til å bo: hjelp med husleie, naboer, vedlikehold og det å mestre "
               "boligen.",
         "nn": "Bistand til å bu: hjelp med husleige, naboar, vedlikehald og det å meistre "
               "bustaden."},
        {"nb": "Psykisk helsehjelp: teamet gir eller formidler psykisk helsehjelp når "
               "deltakeren ønsker det.",
         "nn": "Psykisk helsehjelp: teamet gir eller formidlar psykisk helsehjelp når "
               "deltakaren ønskjer det."},
        {"nb": "Rusoppfølging: teamet gir eller formidler hjelp med rus når deltakeren ønsker "
               "det.",
         "nn": "Rusoppfølging: teamet gir eller formidlar hjelp med rus når deltakaren ønskjer "
               "det."},
        {"nb": "Arbeid og utdanning: deltakeren får hjelp til arbeid, aktivitet eller "
               "utdanning.",
         "nn": "Arbeid og utdanning: deltakaren får hjelp til arbeid, aktivitet eller "
               "utdanning."},
        {"nb": "Somatisk helse: deltakeren får hjelp til fastlege, sykepleie og annen "
               "helsehjelp.",
         "nn": "Somatisk helse: deltakaren får hjelp til fastlege, sjukepleie og anna "
               "helsehjelp."},
        {"nb": "Sosial inkludering: deltakeren får hjelp til nettverk, fritid og deltakelse i "
               "lokalsamfunnet.",
         "nn": "Sosial inkludering: deltakaren får hjelp til nettverk, fritid og deltaking i "
               "lokalsamfunnet."},
    )),
    ("team", {"nb": "Teamstruktur", "nn": "Teamstruktur"}, (
        {"nb": "Forholdstall: høyst om lag ti deltakere per ansatt i teamet.",
         "nn": "Forholdstal: høgst om lag ti deltakarar per tilsett i teamet."},
        {"nb": "Teammøter: teamet møtes minst hver uke og går gjennom deltakerne.",
         "nn": "Teammøte: teamet møtest minst kvar veke og går gjennom deltakarane."},
        {"nb": "Tilgjengelighet hele døgnet: deltakerne kan nå noen fra tjenesten døgnet "
               "rundt.",
         "nn": "Tilgjenge heile døgeret: deltakarane kan nå nokon frå tenesta døgeret rundt."},
        {"nb": "Erfaringskonsulent: teamet har en ansatt med egen erfaring fra rus, psykisk "
               "helse eller bostedsløshet.",
         "nn": "Erfaringskonsulent: teamet har ein tilsett med eiga erfaring frå rus, psykisk "
               "helse eller bustadløyse."},
        {"nb": "Brukermedvirkning: deltakerne er representert når tjenesten planlegges og "
               "evalueres.",
         "nn": "Brukarmedverknad: deltakarane er representerte når tenesta blir planlagd og "
               "evaluert."},
    )),
)

DEFAULT_SCALE = (1, 4)

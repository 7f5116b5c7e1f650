"""Method and privacy texts for the "Om & metod" page and the PDF method box.

Kept as data here (with the thresholds read from settings) so that pages and reports
never retype them.
"""

from __future__ import annotations

from common.settings import MIN_DENOMINATOR, SUPPRESSION_THRESHOLD
from geo import PLACE
from indicators.disclosure import MIN_GROUP


def method_sections(lang: str = "sv") -> list[tuple[str, str]]:
    """(title, markdown) pairs describing the statistics, suppression and privacy rules."""
    k, d = SUPPRESSION_THRESHOLD, MIN_DENOMINATOR
    sv = [
        (
            "Konfidensintervall",
            "Andelar: Wilsons intervall (95 %). Kvoter per 1 000: exakt Poisson under 10 händelser, "
            "Byars approximation från 10 (samma regel som PHE Fingertips). Medelvärden: t-fördelning "
            "med den verkliga spridningen mellan elever (kvadratsumman); saknas den visas inget "
            "intervall och ingen jämförelse – ingen antagen spridning. Omöjliga värden (t.ex. "
            "meritvärde över 340) avvisas redan vid inläsningen.",
        ),
        (
            "Överspridning",
            "Distrikt skiljer sig av verkliga skäl, så deras värden varierar mer än slumpen. För "
            "varje indikator och år skattas överspridningen φ ur distrikten (Spiegelhalters "
            "winsoriserade z-värden). När φ > 1 vidgas distriktens intervall (kvasi-binomial/"
            "-Poisson) och trattdiagrammets gränser, och sidan säger det: *signifikant* betyder då "
            "att distriktet skiljer sig mer än distrikt brukar göra.",
        ),
        (
            "Många jämförelser",
            "Varje år görs hundratals jämförelser (indikatorer × distrikt). Med 95 % blir ungefär en "
            "av tjugo skillnader *signifikant* av ren slump. Därför räknas rådsunderlagets antal "
            f"”sämre än {PLACE.name}” med Benjamini–Hochberg (falsk upptäcktsandel 5 %): bland de skillnader "
            "som räknas är högst ungefär var tjugonde ett falsklarm.",
        ),
        (
            "Terminer och sällsynta händelser",
            "Terminer läggs ihop till år enligt katalogen: händelser summeras, men antal elever "
            "eller invånare är samma personer varje termin och tas som medelvärde (aldrig summa). "
            "Sällsynta händelser (personrån, vapenbrott) visas för tre år tillsammans, t.ex. "
            "*2022–2024*. Saknas en inläst kommunsiffra och bara några distrikt finns, står det att "
            "jämförelsevärdet är ofullständigt.",
        ),
        (
            f"Jämförelse med {PLACE.name}",
            f"Ett område är *signifikant högre/lägre* när {PLACE.name}s värde ligger utanför områdets 95 % "
            "konfidensintervall, annars *ingen signifikant skillnad*. Bättre/sämre följer indikatorns "
            "riktning. Färg används aldrig ensam: symbol och text säger samma sak.",
        ),
        (
            "Konfidensnivå: 95 % eller 99,8 %",
            "I sidofältet väljs nivån för intervall och jämförelser: 95 % (standard) eller "
            "Fingertips andra nivå 99,8 %. Med 99,8 % blir ungefär var femhundrade jämförelse "
            "utan verklig skillnad *signifikant* i stället för var tjugonde. Valet följer med i "
            "länken, i CSV/Excel (som anger nivån) och i rådsunderlaget.",
        ),
        (
            "Trend",
            "Fingertips nuvarande regel: de fem senaste publicerade åren, regression viktad med "
            "1/SE² (SE = intervallets bredd/3,92), chi-två över 9,55 (99,8 %) och samma riktning "
            "när varje punkt i tur och ordning tas bort; annars *ingen signifikant förändring*. "
            "Färre än fem publicerade punkter, antal eller treårsvärden: *kan inte beräknas*.",
        ),
        (
            "Trattdiagram",
            f"Gränser på 95 % och 99,8 % kring {PLACE.name}s värde som funktion av nämnaren; små områden får "
            "breda gränser. Vid överspridning vidgas gränserna (Spiegelhalter) och bildtexten säger det.",
        ),
        (
            "EST: fler än vanligt",
            "Veckans antal i ett distrikt jämförs med de åtta föregående veckorna med ett villkorat "
            "binomialtest (beta-binomialt när veckorna varierar mer än slumpen). Alla distrikt "
            "prövas tillsammans (Benjamini–Hochberg, 5 %), så falsklarm hålls nere.",
        ),
        (
            "Sammanvägda index",
            "Risk- och skyddsindex hålls isär och gäller platser, aldrig personer. Indikatorerna "
            "z-standardiseras, riktas och vägs lika. 1 000 simuleringar över mätosäkerhet, vikter och "
            "normalisering ger varje områdes rangintervall. Områden med mest prickade värden rangordnas "
            "inte (*otillräckligt underlag*).",
        ),
        (
            "Röjandekontroll (prickning)",
            f"Antal 1–{k - 1} visas inte, inte heller när nästan alla (nämnaren minus täljaren är "
            f"1–{k - 1}), när alla eller ingen i en grupp under {MIN_GROUP} har egenskapen, eller när "
            f"nämnaren är under {d}. Sekundär prickning döljer fler celler så att varje dold uppgift "
            f"har minst ±{k - 1} i spelrum i varje summa den ingår i (områden, år och terminer); en "
            "inbyggd granskning angriper tabellen som en angripare och håller celler dolda tills "
            "ingen kan ringas in. Alla dolda värden visas likadant, *–* (”..” i filer) med "
            "*uppgift skyddad* – skälet visas inte, eftersom det skulle avslöja ungefär hur stort "
            "värdet är. EST visas utanför EST-gruppen bara som summor per avslutad fyraveckorsperiod. "
            "All data som visas, laddas ned eller skrivs i rapporter har passerat samma funktion "
            "(docs/disclosure.md).",
        ),
        (
            "Integritet",
            "Endast sammanställda uppgifter lagras. Filer med personnummer eller samordningsnummer, "
            "eller med kolumner som ser ut som personuppgifter, avvisas i sin helhet. Händelser för "
            "EST lagras bara som rutor om 250 m, aldrig som adresser eller punkter. Verktyget gör "
            "inga bedömningar av enskilda personer.",
        ),
    ]
    en = [
        (
            "Confidence intervals",
            "Proportions: Wilson (95%). Rates per 1,000: exact Poisson below 10 events, Byar's "
            "approximation from 10 (the PHE Fingertips rule). Means: t distribution with the real "
            "spread between pupils (sum of squares); without it no interval and no comparison. "
            "Impossible values (e.g. merit value above 340) are refused at import.",
        ),
        (
            "Overdispersion",
            "Districts differ for real reasons. Per indicator and year φ is estimated from the "
            "districts (Spiegelhalter); when φ > 1 district intervals (quasi-binomial/-Poisson) and "
            "funnel limits are widened and the page says so.",
        ),
        (
            "Many comparisons",
            "Hundreds of comparisons a year: at 95% about one in twenty differences is 'significant' "
            f"by chance. The brief's count of 'worse than {PLACE.name}' uses Benjamini–Hochberg (5% false "
            "discovery rate).",
        ),
        (
            "Terms and rare events",
            "Terms roll up by the catalogue's rule: events are summed, head counts averaged. Rare "
            "events show three years together (e.g. 2022–2024). A benchmark summed from only some "
            "districts is marked partial.",
        ),
        (
            f"Comparison with {PLACE.name}",
            f"A district is *significantly higher/lower* when {PLACE.name}'s value lies outside its 95% "
            "interval, otherwise *no significant difference*; better/worse follows the indicator's "
            "direction. Colour is never used alone.",
        ),
        (
            "Confidence level: 95% or 99.8%",
            "The sidebar sets the level of intervals and comparisons: 95% (default) or "
            "Fingertips' second level, 99.8%. At 99.8% about one comparison in five hundred "
            "without a real difference comes out *significant* instead of one in twenty. The "
            "choice is kept in the link, in CSV/Excel (which name the level) and in the brief.",
        ),
        (
            "Trend",
            "Fingertips' current rule: the five most recent published years, regression weighted "
            "by 1/SE² (SE = interval width/3.92), chi-square above 9.55 (99.8%) and the same "
            "direction with each point left out. Fewer than five points, counts or pooled values: "
            "*cannot be calculated*.",
        ),
        (
            "Funnel plots",
            f"95% and 99.8% limits around {PLACE.name}'s value as a function of the denominator; widened "
            "for overdispersion (Spiegelhalter) when needed, as the caption says.",
        ),
        (
            "EST: more than usual",
            "This week against the eight before by a conditional binomial (beta-binomial when weeks "
            "vary more than chance) test, all districts together (Benjamini–Hochberg, 5%).",
        ),
        (
            "Composite indices",
            "Risk and protective indices are kept apart and describe places, never people. "
            "1,000 simulations give each district's rank interval; mostly suppressed districts are not ranked.",
        ),
        (
            "Disclosure control",
            f"Counts 1–{k - 1} are hidden, as are near-complete counts and denominators below {d}. "
            "Secondary suppression hides further cells so a hidden value cannot be derived from a total, "
            f"the other districts or a sub-period: each hidden value keeps ±{k - 1} of room, checked by "
            "a built-in attacker audit. Hidden values all show as *–* with *figure protected* (no "
            "reason, which would narrow them), never 0. EST outside the EST group: four-week totals only.",
        ),
        (
            "Privacy",
            "Aggregates only. Files with personal identity numbers or person-level columns are refused "
            "whole. EST incidents are stored only as 250 m cells. No assessment of individuals.",
        ),
    ]
    return sv if lang == "sv" else en

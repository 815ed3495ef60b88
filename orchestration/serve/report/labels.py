"""The report's words in English and Dutch (LOYALTY_REPORT_LANGUAGE=en|nl)."""

from __future__ import annotations

LANGUAGES = ("en", "nl")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Loyalty report",
        "subtitle": "Built from the marts of {warehouse} on {built}. Every number is read from "
        "a tested dbt mart; intervals are adjusted-Wald 95%.",
        "kpi_latest": "NPS, latest month ({month})",
        "kpi_trailing": "NPS, trailing 90 days to {day}",
        "kpi_responses": "NPS answers, latest month",
        "kpi_overdue": "Detractors waiting for a follow-up (overdue)",
        "trend": "NPS trend",
        "trend_note": "Monthly NPS with its 95% interval (band). ▲/▼ marks a month whose change "
        "against the previous month is significant (fct_nps_monthly's z-test, |z| ≥ 1.96).",
        "nps": "NPS",
        "distribution": "Promoters, passives and detractors",
        "distribution_note": "Share of NPS answers per month.",
        "promoter": "promoters (9-10)",
        "passive": "passives (7-8)",
        "detractor": "detractors (0-6)",
        "unknown": "no NPS answer",
        "touchpoints": "NPS and effort along the journey",
        "touchpoints_note": "Transactional answers of {month}, touchpoints in journey order. NPS "
        "with its 95% interval; CES mean (1-7, 7 = very easy) and the share easy (5-7).",
        "ces": "CES mean",
        "easy": "easy",
        "drivers": "Touchpoint drivers",
        "drivers_note": "NPS after a positive minus after a negative experience at the touchpoint, "
        "with its 95% interval (an association, not a proven cause). * significant.",
        "small_sample": "small sample",
        "promises": "Promises",
        "promises_note": "{made} promises made: {kept} kept, {broken} broken, {open} not yet due. "
        "NPS of the next answer after a kept and after a broken promise.",
        "kept": "kept",
        "broken": "broken",
        "difference": "difference",
        "all_channels": "all channels",
        "retention": "Who stays",
        "retention_note": "Kaplan-Meier survival of subscriptions by the NPS group at their start "
        "(share still subscribed after n completed calendar months).",
        "months": "months since start",
        "personas": "Personas",
        "personas_note": "Customers per persona, their share, revenue per customer, retention, "
        "the NPS of their latest answers and the mean loyalty score.",
        "persona": "persona",
        "customers": "customers",
        "share": "share",
        "revenue": "revenue / customer",
        "retained": "retained",
        "loyalty": "loyalty score",
        "followups": "Detractor follow-up queue",
        "followups_note": "Detractor answers of known customers. Closed = followed up within 48 "
        "hours; overdue = no follow-up after 48 hours; open = less than 48 hours old.",
        "closed": "closed",
        "closed_late": "closed late",
        "overdue": "overdue",
        "open": "open",
        "queue": "Waiting (open first, newest first; at most 25)",
        "answer": "answer",
        "customer": "customer",
        "submitted": "submitted",
        "score": "NPS",
        "touchpoint": "touchpoint",
        "status": "status",
        "comment": "comment",
        "none": "none",
        "no_data": "No data yet.",
        "as_of": "As-of date {date} ({source}).",
        "as_of_env": "set by LOYALTY_AS_OF_DATE",
        "as_of_latest": "the latest event in the exports",
        "not_measured": "Not measured: no {exports} was delivered.",
        "coverage": "Data coverage warnings",
        "coverage_note": "Records were loaded but the marts count none of them: these marts show "
        "zeros for them. Check the export.",
        "all_zero": "{entity}: {loaded} records loaded, none counted in {counted_in}.",
        "export_customers": "customer export (customers*)",
        "export_orders": "order export (orders*)",
        "export_subscriptions": "subscription export (subscriptions*)",
        "export_interactions": "contact-moment export (interactions*)",
        "export_survey_responses": "survey export (survey_responses*)",
        "or": "and no",
        "footer": "Definitions: docs/metrics.md. Source: the dbt exposure loyalty_report.",
    },
    "nl": {
        "title": "Loyaliteitsrapport",
        "subtitle": "Gemaakt uit de marts van {warehouse} op {built}. Elk getal komt uit een "
        "geteste dbt-mart; intervallen zijn adjusted-Wald 95%.",
        "kpi_latest": "NPS, laatste maand ({month})",
        "kpi_trailing": "NPS, laatste 90 dagen tot {day}",
        "kpi_responses": "NPS-antwoorden, laatste maand",
        "kpi_overdue": "Criticasters die op opvolging wachten (te laat)",
        "trend": "NPS-verloop",
        "trend_note": "NPS per maand met het 95%-interval (band). ▲/▼ markeert een maand waarvan "
        "de verandering t.o.v. de vorige maand significant is (z-toets van fct_nps_monthly, "
        "|z| ≥ 1,96).",
        "nps": "NPS",
        "distribution": "Promotors, passieven en criticasters",
        "distribution_note": "Aandeel van de NPS-antwoorden per maand.",
        "promoter": "promotors (9-10)",
        "passive": "passieven (7-8)",
        "detractor": "criticasters (0-6)",
        "unknown": "geen NPS-antwoord",
        "touchpoints": "NPS en inspanning langs de klantreis",
        "touchpoints_note": "Transactionele antwoorden van {month}, contactmomenten in volgorde "
        "van de klantreis. NPS met 95%-interval; CES-gemiddelde (1-7, 7 = heel makkelijk) en het "
        "aandeel makkelijk (5-7).",
        "ces": "CES-gemiddelde",
        "easy": "makkelijk",
        "drivers": "Wat loyaliteit maakt of breekt",
        "drivers_note": "NPS na een positieve min na een negatieve ervaring bij het "
        "contactmoment, met 95%-interval (een samenhang, geen bewezen oorzaak). * significant.",
        "small_sample": "kleine steekproef",
        "promises": "Beloftes",
        "promises_note": "{made} beloftes gedaan: {kept} nagekomen, {broken} gebroken, {open} nog "
        "niet verlopen. NPS van het volgende antwoord na een nagekomen en na een gebroken belofte.",
        "kept": "nagekomen",
        "broken": "gebroken",
        "difference": "verschil",
        "all_channels": "alle kanalen",
        "retention": "Wie blijft",
        "retention_note": "Kaplan-Meier-overleving van abonnementen per NPS-groep bij de start "
        "(aandeel nog geabonneerd na n volle kalendermaanden).",
        "months": "maanden sinds de start",
        "personas": "Persona's",
        "personas_note": "Klanten per persona, hun aandeel, omzet per klant, behoud, de NPS van "
        "hun laatste antwoorden en de gemiddelde loyaliteitsscore.",
        "persona": "persona",
        "customers": "klanten",
        "share": "aandeel",
        "revenue": "omzet / klant",
        "retained": "behouden",
        "loyalty": "loyaliteitsscore",
        "followups": "Opvolging van criticasters",
        "followups_note": "Criticaster-antwoorden van bekende klanten. Gesloten = binnen 48 uur "
        "opgevolgd; te laat = na 48 uur nog geen opvolging; open = jonger dan 48 uur.",
        "closed": "gesloten",
        "closed_late": "laat gesloten",
        "overdue": "te laat",
        "open": "open",
        "queue": "Wachtend (open eerst, nieuwste eerst; hooguit 25)",
        "answer": "antwoord",
        "customer": "klant",
        "submitted": "ingevuld",
        "score": "NPS",
        "touchpoint": "contactmoment",
        "status": "status",
        "comment": "opmerking",
        "none": "geen",
        "no_data": "Nog geen gegevens.",
        "as_of": "Peildatum {date} ({source}).",
        "as_of_env": "ingesteld met LOYALTY_AS_OF_DATE",
        "as_of_latest": "de laatste gebeurtenis in de exports",
        "not_measured": "Niet gemeten: er is geen {exports} aangeleverd.",
        "coverage": "Waarschuwingen over de gegevens",
        "coverage_note": "Er zijn records geladen, maar de marts tellen er geen enkele van: deze "
        "marts tonen nullen. Controleer de export.",
        "all_zero": "{entity}: {loaded} records geladen, geen geteld in {counted_in}.",
        "export_customers": "klantexport (customers*)",
        "export_orders": "orderexport (orders*)",
        "export_subscriptions": "abonnementsexport (subscriptions*)",
        "export_interactions": "export van contactmomenten (interactions*)",
        "export_survey_responses": "enquête-export (survey_responses*)",
        "or": "en geen",
        "footer": "Definities: docs/metrics.md. Bron: de dbt-exposure loyalty_report.",
    },
}

# Names the marts hold as values, shown in the report's language.
VALUES: dict[str, dict[str, str]] = {
    "en": {
        "orientation": "Orientation", "purchase": "Purchase", "delivery": "Delivery",
        "onboarding": "Onboarding", "support": "Support", "billing": "Billing",
        "complaint": "Complaint", "renewal": "Renewal", "ambassador": "Ambassador",
        "loyal_passive": "Loyal passive", "shopper": "Shopper", "walk_away": "Walk-away",
        "unclassified": "Unclassified", "all": "all channels", "phone": "Phone",
        "email": "E-mail", "chat": "Chat", "store": "Store", "web": "Website", "app": "App",
    },
    "nl": {
        "orientation": "Oriëntatie", "purchase": "Aankoop", "delivery": "Levering",
        "onboarding": "Onboarding", "support": "Ondersteuning", "billing": "Facturatie",
        "complaint": "Klacht", "renewal": "Verlenging", "ambassador": "Ambassadeur",
        "loyal_passive": "Loyale passieve", "shopper": "Shopper", "walk_away": "Wegloper",
        "unclassified": "Niet ingedeeld", "all": "alle kanalen", "phone": "Telefoon",
        "email": "E-mail", "chat": "Chat", "store": "Winkel", "web": "Website", "app": "App",
    },
}  # fmt: skip


class UnknownLanguage(ValueError):
    """The report has no labels in this language."""


def check_language(language: str) -> str:
    """The language code, or a clear error naming the ones there are."""
    if language not in LANGUAGES:
        raise UnknownLanguage(
            f"report language {language!r} is not supported: use one of {', '.join(LANGUAGES)}"
        )
    return language

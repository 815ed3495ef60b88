"""A day of new exports after the demo inbox: what an incremental run has to absorb.

From the demo's survey files, deterministically (a hash of the key, no randomness):

- about ``new_share`` (1%) new answers: copies of existing answers with a new
  ``response_id`` (``R`` + ``D<day>`` + the old number), submitted on ``day``;
- about ``corrected_share`` (0.1%) corrected re-deliveries of earlier answers: the whole row
  again with its ``nps_score`` changed (and every other one with another customer's id), so
  the new version must replace the old one;
- re-deliveries of about ``corrected_share`` (at least one) of the relational answers that are
  the next NPS answer after a promised contact moment, each with another customer's id;
- re-deliveries of about ``corrected_share`` (at least one each) of the answers that are a
  subscription's start answer and of those that are a customer's only answer of their latest
  survey file and chosen by no subscription, each with another customer's id;
- a customers file delivering half of the customer ids that answered but were unknown to
  the CRM so far (their answers become ``is_known_customer``);
- corrected re-deliveries of about ``corrected_share`` of the orders (status ``returned``),
  of the contact moments (no promise after all: ``promised_by`` empty) and of the
  subscriptions (as they were), at least one each, so the incremental CRM staging models
  replace rows too; every other one of each (the first, third ... in the order they are
  picked) with the id of the customer of the row before it by key (a mismatch fixed), so a
  customer-scoped model must also rebuild the customer a row moved away from.

Files: ``survey_responses_<day>.csv``, ``customers_<day>_delta.csv``,
``orders_<day>_corrections.csv``, ``interactions_<day>_corrections.csv`` and
``subscriptions_<day>_corrections.csv`` in ``out``. Only
valid rows are copied, so nothing of it is quarantined as invalid. Written by DuckDB (no row
loops). In name order (the version order, ingest/order.py) ``survey_responses_<day>`` comes
before the demo's ``survey_responses_corrections``, so the ingest loads it as a LATE file: a
day-2 version of an answer that the corrections file also delivered keeps the corrections
file's version and is quarantined as superseded (none at the test demo's size).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.sql import sql_str

RESPONSE_COLUMNS = (
    "response_id, customer_id, survey_type, interaction_id, touchpoint, channel, submitted_at, "
    "nps_score, ces_score, csat_score, emotion, comment, language"
)


def write_next_day(
    inbox: Path,
    out: Path,
    day: str = "2026-11-27",
    new_share: float = 0.01,
    corrected_share: float = 0.001,
) -> dict[str, int]:
    """Write the next day's exports to ``out``; return rows per file written."""
    out.mkdir(parents=True, exist_ok=True)
    tag = day.replace("-", "")
    responses = sql_str(inbox / "survey_responses_2*.csv")
    customers = sql_str(inbox / "customers*.csv")
    valid = (
        "coalesce(try_cast(nps_score as integer) between 0 and 10, true) "
        "and coalesce(try_cast(ces_score as integer) between 1 and 7, true) "
        "and coalesce(try_cast(csat_score as integer) between 1 and 5, true)"
    )
    new_cut, fix_cut = round(new_share * 100_000), round(corrected_share * 100_000)
    con = duckdb.connect()
    con.execute(
        f"""create table answers as select * from read_csv({responses}, all_varchar = true,
            header = true, filename = true) where {valid}"""
    )
    con.execute(
        "create table bucketed as select *, hash(response_id) % 100000 as bucket, "
        "lag(customer_id) over (order by response_id) as other_customer_id from answers"
    )
    # Answers moved to another customer (``other_customer_id``), a few of each kind, because
    # nothing but the customer ties them to what they decide, so the customer they left must be
    # rebuilt: a promised contact moment's next NPS answer (relational, the first one with
    # started_at < submitted_at <= started_at + 30 days; int_contact_moments' keys); a
    # subscription's start answer (the customer's latest NPS answer on or before started_at)
    # and a customer's only answer of their latest survey file that no subscription chooses
    # (after every start plus the 90-day look-ahead), which still changes the customer's latest
    # answer load (int_subscriptions_nps_grouped's versions)
    interactions = sql_str(inbox / "interactions*.csv")
    subscriptions = sql_str(inbox / "subscriptions*.csv")
    con.execute(
        f"""create table moved_answers as
        with answered as (
            select *, cast(submitted_at as timestamp) as submitted
            from bucketed
            where nps_score is not null
        ),
        subs as (
            select customer_id, cast(started_at as timestamp) as started_at
            from read_csv({subscriptions}, all_varchar = true, header = true)
        ),
        next_answers as (
            select a.response_id, 'next answer' as kind
            from answered as a
            inner join read_csv({interactions}, all_varchar = true, header = true) as i
                on a.customer_id = i.customer_id
                and nullif(i.promised_by, '') is not null
                and a.submitted > cast(i.started_at as timestamp)
                and a.submitted <= cast(i.started_at as timestamp) + interval 30 day
            qualify a.survey_type = 'relational' and row_number() over (
                partition by i.interaction_id order by a.submitted, a.response_id
            ) = 1
        ),
        starts as (
            select a.response_id, 'start' as kind
            from answered as a
            inner join subs as s on a.customer_id = s.customer_id and a.submitted <= s.started_at
            qualify row_number() over (
                partition by s.customer_id, s.started_at
                order by a.submitted desc, a.response_id desc
            ) = 1
        ),
        files as (
            select *,
                max(filename) over (partition by customer_id) as last_file,
                count(*) over (partition by customer_id, filename) as in_file,
                count(*) over (partition by customer_id) as answers
            from answered
        ),
        unchosen_last as (
            select f.response_id, 'unchosen last' as kind
            from files as f
            where f.filename = f.last_file and f.in_file = 1 and f.answers > 1
                and f.submitted > (
                    select max(s.started_at) + interval 90 day from subs as s
                    where s.customer_id = f.customer_id
                )
        ),
        picked as (
            select distinct a.*, kinds.kind from bucketed as a
            inner join (
                select * from next_answers
                union all select * from starts
                union all select * from unchosen_last
            ) as kinds using (response_id)
            where not (a.bucket >= 50000 and a.bucket < 50000 + {fix_cut})
                and a.other_customer_id is not null and a.other_customer_id <> a.customer_id
            qualify row_number() over (partition by kinds.kind order by hash(a.response_id),
                a.response_id) <= greatest(1, round({corrected_share} * count(*) over (
                    partition by kinds.kind)))
        )
        select distinct on (response_id) * from picked"""
    )
    con.execute(
        f"""create table day_rows as
        select {sql_str("RD" + tag)} || substr(response_id, 2) as response_id, customer_id,
            survey_type, interaction_id, touchpoint, channel,
            {sql_str(day + "T")} || strftime(cast(submitted_at as timestamp), '%H:%M:%S')
                as submitted_at,
            nps_score, ces_score, csat_score, emotion, comment, language
        from bucketed where bucket < {new_cut}
        union all
        select response_id,
            -- every other correction also names another customer (a mismatch fixed)
            case
                when bucket % 2 = 0 then coalesce(other_customer_id, customer_id)
                else customer_id
            end as customer_id,
            survey_type, interaction_id, touchpoint, channel, submitted_at,
            cast((cast(nps_score as integer) + 3) % 11 as varchar) as nps_score,
            ces_score, csat_score, emotion, comment, language
        from bucketed
        where bucket >= 50000 and bucket < 50000 + {fix_cut} and nps_score is not null
        union all
        select response_id, other_customer_id, survey_type, interaction_id, touchpoint, channel,
            submitted_at, nps_score, ces_score, csat_score, emotion, comment, language
        from moved_answers"""
    )
    target = out / f"survey_responses_{day}.csv"
    con.execute(
        f"copy (select {RESPONSE_COLUMNS} from day_rows order by response_id) "
        f"to {sql_str(target)} (header)"
    )
    written = {target.name: con.execute("select count(*) from day_rows").fetchone()[0]}
    con.execute(
        f"""create table new_customers as
        select distinct customer_id, 'new.' || lower(customer_id) || '@example.com' as email,
            'New Customer' as full_name, 'NL' as country, 'b2c' as segment,
            'search' as acquisition_channel, {sql_str(day + "T08:00:00")} as created_at
        from answers
        where customer_id is not null and hash(customer_id) % 2 = 0
            and customer_id not in (
                select customer_id from read_csv({customers}, all_varchar = true, header = true)
            )"""
    )
    target = out / f"customers_{day}_delta.csv"
    con.execute(f"copy (select * from new_customers order by 1) to {sql_str(target)} (header)")
    written[target.name] = con.execute("select count(*) from new_customers").fetchone()[0]
    corrections = {
        "orders": (
            "order_id",
            f"'returned' as status, {_moved('order_id')}",
            "status <> 'returned'",
        ),
        "interactions": (
            "interaction_id",
            # every other one also moves to another customer (a mismatch fixed)
            "null as promised_by, case when hash(interaction_id) % 2 = 0 then coalesce("
            "lag(customer_id) over (order by interaction_id), customer_id) else customer_id end"
            " as customer_id",
            "promised_by is not null",
        ),
        "subscriptions": ("subscription_id", _moved("subscription_id"), "true"),
    }
    for entity, (key, change, applies) in corrections.items():
        target = out / f"{entity}_{day}_corrections.csv"
        written[target.name] = _write_corrections(
            con, inbox / f"{entity}*.csv", target, key, change, applies, corrected_share
        )
    con.close()
    return written


def _moved(key: str) -> str:
    """``customer_id`` of the first, third ... row picked by ``_write_corrections`` (same
    order: the key's hash) replaced by that of the row before it by key."""
    return (
        f"case when row_number() over (order by hash({key}), {key}) % 2 = 1 then coalesce("
        f"lag(customer_id) over (order by {key}), customer_id) else customer_id end as customer_id"
    )


def _write_corrections(
    con: duckdb.DuckDBPyConnection,
    files: Path,
    target: Path,
    key: str,
    change: str,
    applies: str,
    share: float,
) -> int:
    """Re-deliver the rows (where ``applies``) with the smallest key hashes, ``share`` of all
    and at least one, with one column replaced by ``change``; return the rows written."""
    rows = f"read_csv({sql_str(files)}, all_varchar = true, header = true)"
    con.execute(
        f"""copy (
            select * replace ({change}) from {rows}
            where {applies}
            qualify row_number() over (order by hash({key}), {key})
                <= greatest(1, round({share} * count(*) over ()))
            order by {key}
        ) to {sql_str(target)} (header)"""
    )
    return con.execute(
        f"select count(*) from read_csv({sql_str(target)}, header = true)"
    ).fetchone()[0]

"""Measure the planted effects back from the demo CSVs (only what is in the files).

Used by the tests and ``python -m orchestration.demo --measure``; docs/demo_data.md quotes
its numbers. Survey corrections are applied (the later file wins), invalid scores dropped.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from orchestration.config import PROJECT_ROOT
from orchestration.demo.effects import PERSONAS
from orchestration.sql import fill_paths

VIEWS = """
CREATE VIEW interactions AS SELECT * FROM read_csv('${D}/interactions_*.csv', all_varchar=true);
CREATE VIEW orders AS SELECT * FROM read_csv('${D}/orders_*.csv', all_varchar=true);
CREATE VIEW subscriptions AS SELECT * FROM read_csv('${D}/subscriptions*.csv', all_varchar=true);
CREATE VIEW customers AS SELECT * FROM read_csv('${D}/customers*.csv', all_varchar=true);
CREATE VIEW valence AS SELECT label, valence::int AS valence FROM read_csv('${V}');
CREATE VIEW responses AS
SELECT response_id, customer_id, survey_type, submitted_at::timestamp AS submitted_at,
       try_cast(nps_score AS int) AS nps, try_cast(ces_score AS int) AS ces, emotion
FROM read_csv('${D}/survey_responses_*.csv', all_varchar=true, filename=true)
QUALIFY row_number() OVER (PARTITION BY response_id ORDER BY filename DESC) = 1;
CREATE VIEW scored AS SELECT * FROM responses
WHERE customer_id IS NOT NULL AND nps BETWEEN 0 AND 10 AND coalesce(ces BETWEEN 1 AND 7, true);
"""

PROMISE = """
WITH promises AS (
    SELECT customer_id, started_at::timestamp AS started_at,
           coalesce(responded_at > promised_by, true) AS broken
    FROM interactions WHERE promised_by IS NOT NULL
)
SELECT avg(s.nps) FILTER (NOT p.broken), avg(s.nps) FILTER (p.broken)
FROM promises p ASOF JOIN scored s
  ON p.customer_id = s.customer_id AND s.submitted_at > p.started_at
"""

PEAK_END = """
SELECT r.customer_id, r.nps,
       arg_max(v.valence, abs(v.valence) * 2 + (v.valence < 0)::int) AS peak,
       arg_max(v.valence, t.submitted_at) AS "end",
       avg(v.valence) AS mean
FROM scored r
JOIN responses t ON t.customer_id = r.customer_id AND t.survey_type = 'transactional'
 AND t.submitted_at < r.submitted_at AND t.submitted_at >= r.submitted_at - INTERVAL 180 DAY
JOIN valence v ON v.label = t.emotion
WHERE r.survey_type = 'relational'
GROUP BY r.response_id, r.customer_id, r.nps
"""

CES = """
SELECT corr(ces, nps), avg((nps <= 6)::int) FILTER (ces <= 3),
       avg((nps <= 6)::int) FILTER (ces >= 5)
FROM scored
"""

CHURN = """
WITH groups AS (
    SELECT customer_id, CASE WHEN avg(nps) >= 8.5 THEN 'promoter'
                             WHEN avg(nps) >= 6.5 THEN 'passive' ELSE 'detractor' END AS grp
    FROM scored GROUP BY customer_id
)
SELECT grp, 100 * count(ended_at) / sum(date_diff('day', started_at::timestamp,
           coalesce(ended_at::timestamp, TIMESTAMP '2026-11-01')) / 30.44) AS churn
FROM subscriptions JOIN groups USING (customer_id) GROUP BY grp
"""

PERSONA = """
WITH o AS (
    SELECT customer_id, sum(discount_amount::decimal(18, 2)) AS discount,
           sum(amount::decimal(18, 2)) AS amount, count(*) AS orders,
           count(*) FILTER (discount_amount::decimal(18, 2) > 0) AS discounted
    FROM orders GROUP BY customer_id
), r AS (SELECT customer_id, count(*) AS answers FROM responses GROUP BY customer_id),
s AS (
    SELECT customer_id, avg((nps >= 9)::int) AS promoters, avg((nps <= 6)::int) AS detractors,
           avg((nps BETWEEN 7 AND 8)::int) AS passives FROM scored GROUP BY customer_id
)
SELECT p.persona, sum(o.discount) / sum(o.amount), sum(o.discounted) / sum(o.orders),
       sum(coalesce(r.answers, 0)) / count(*),
       avg(s.promoters), avg(s.passives), avg(s.detractors)
FROM persona p JOIN customers c USING (customer_id)
LEFT JOIN o USING (customer_id) LEFT JOIN r USING (customer_id) LEFT JOIN s USING (customer_id)
GROUP BY p.persona
"""


def measure(out_dir: Path, persona: np.ndarray | None = None) -> dict[str, float]:
    """Effect sizes measured from the CSVs in out_dir; persona codes add per-persona rows."""
    con = duckdb.connect()
    vocab = PROJECT_ROOT / "seeds" / "emotion_vocabulary.csv"
    con.execute(fill_paths(VIEWS, D=Path(out_dir).as_posix(), V=vocab.as_posix()))
    kept, broken = con.execute(PROMISE).fetchone()
    result = {
        "next_nps_after_kept_promise": kept,
        "next_nps_after_broken_promise": broken,
        "promise_kept_minus_broken_nps": kept - broken,
    }
    # within-customer regression nps ~ peak + end + mean (customer means removed, so the
    # persona's overall level does not leak into the weights)
    frame = con.execute(PEAK_END).df()
    cols = ["nps", "peak", "end", "mean"]
    frame[cols] = frame[cols].astype(float)
    centred = frame[cols] - frame.groupby("customer_id")[cols].transform("mean")
    coef = np.linalg.lstsq(centred[cols[1:]].to_numpy(), centred["nps"].to_numpy(), rcond=None)[0]
    result |= {"peak_weight": coef[0], "end_weight": coef[1], "mean_weight": coef[2]}
    corr, low, high = con.execute(CES).fetchone()
    result |= {"ces_nps_corr": corr, "detractors_at_ces_1_3": low, "detractors_at_ces_5_7": high}
    for grp, churn in con.execute(CHURN).fetchall():
        result[f"churn_per_100_months_{grp}"] = churn
    if persona is not None:
        ids = [f"C{i:06d}" for i in range(1, len(persona) + 1)]
        names = pd.Categorical.from_codes(persona, PERSONAS)
        con.register("persona", pd.DataFrame({"customer_id": ids, "persona": names}))
        for name, discount, discounted, answers, pro, pas, det in con.execute(PERSONA).fetchall():
            result |= {
                f"{name}_discount_share": float(discount),
                f"{name}_discounted_orders": float(discounted),
                f"{name}_responses_per_customer": float(answers),
                f"{name}_promoters": pro,
                f"{name}_passives": pas,
                f"{name}_detractors": det,
            }
    con.close()
    return result

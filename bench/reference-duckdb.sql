-- The reference policy (bench/reference.sla, bench-spec.md) as one DuckDB
-- query: what a user might write instead of a policy. bench/throughput.sh
-- replaces INPUT with the export's path and runs it with `duckdb -c`;
-- the CSV goes to standard output, in input order, as sla writes it.
COPY (
    WITH s AS (
        SELECT *,
            (CASE WHEN demo_requested THEN 30 ELSE 0 END
             + CASE WHEN page_views >= 10 THEN 15 ELSE 0 END
             + 5 * least(conversions, 4)
             + CASE WHEN company_size >= 200 THEN 15 WHEN company_size >= 50 THEN 10 ELSE 0 END
             + CASE WHEN industry IN ('saas', 'fintech', 'healthcare') THEN 10 ELSE 0 END
             - CASE WHEN suffix(email, '@gmail.com') OR suffix(email, '@yahoo.com')
                         OR suffix(email, '@hotmail.com') THEN 20 ELSE 0 END
             + CASE WHEN lead_source = 'referral' THEN 10 ELSE 0 END) AS score
        FROM read_csv('INPUT', header = true, all_varchar = false,
                      timestampformat = '%Y-%m-%d %H:%M:%S')
    ), c AS (
        SELECT *,
            score >= 50 OR demo_requested AS qualified,
            CASE WHEN score >= 70 AND company_size >= 200 THEN 'A'
                 WHEN score >= 50 THEN 'B' ELSE 'C' END AS class
        FROM s
    ), t AS (
        SELECT *,
            CASE WHEN deal_won THEN 'customer'
                 WHEN deal_amount > 0 THEN 'opportunity'
                 WHEN qualified AND touches >= 1 AND last_reply_at IS NOT NULL THEN 'sql'
                 WHEN qualified THEN 'mql'
                 WHEN coalesce(email, '') <> '' THEN 'lead'
                 ELSE 'subscriber' END AS stage,
            epoch(became_mql_at)
                + CASE class WHEN 'A' THEN 3600 WHEN 'B' THEN 14400 ELSE 86400 END AS due
        FROM c
    )
    SELECT lead_id, score, stage, class,
        CASE WHEN stage NOT IN ('mql', 'sql') OR became_mql_at IS NULL THEN 'n/a'
             WHEN first_touch_at IS NOT NULL AND epoch(first_touch_at) <= due THEN 'met'
             WHEN first_touch_at IS NOT NULL THEN 'breached'
             WHEN epoch(TIMESTAMP '2026-11-01 00:00:00') > due THEN 'breached'
             ELSE 'pending' END AS sla
    FROM t
) TO '/dev/stdout' (FORMAT csv, HEADER);

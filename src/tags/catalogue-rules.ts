// The longer rules and SQL of the builtin catalogue (catalogue.ts).

import { NOT_BANK_MESSAGE_SQL } from '../shared/bank-messages.ts';

// A customer's channel over the last 90 business days (cut in the bank's zone, `{tz}`): where most of their events (and counter transactions) happened
// (the bank's own messages to them are not their activity, only their answers are); ties go
// to the earlier channel of the list. One GROUP BY customer with a counter per channel (a GROUP BY customer and
// channel would hold twice the groups).
export const CHANNEL_PREFERENCE_SQL = `SELECT customer_id, ['app', 'wecom', 'sms', 'branch', 'other'][indexOf(counts, arrayMax(counts))] AS value
  FROM (
    SELECT customer_id, [sum(app), sum(wecom), sum(sms), sum(branch), sum(other)] AS counts
      FROM (
        SELECT customer_id, ch IN ('app', 'app_push') AS app, ch IN ('wecom', 'wechat') AS wecom, ch = 'sms' AS sms,
               0 AS branch, ch NOT IN ('app', 'app_push', 'wecom', 'wechat', 'sms') AS other
          FROM (SELECT customer_id, JSONExtractString(properties, 'channel') AS ch FROM events_dedup
                 WHERE customer_id > 0 AND toDate(time, {tz}) BETWEEN toDate({as_of}) - 89 AND toDate({as_of})
                   AND ${NOT_BANK_MESSAGE_SQL})
        UNION ALL
        SELECT customer_id, 0, 0, 0, 1, 0 FROM transactions_dedup
         WHERE customer_id > 0 AND channel = 'counter' AND toDate(time, {tz}) BETWEEN toDate({as_of}) - 89 AND toDate({as_of})
      )
     GROUP BY customer_id
  )`;

/** Whether the customer has an account manager (the demo bank records it in attributes). */
export const MANAGED_SQL = `select id as customer_id,
       case when coalesce(attributes->>'account_manager_id', '') <> '' then 'yes' else 'no' end as value
  from customers`;

const within365 = (name: string, count?: object) => ({
  event: name,
  within_days: 365,
  ...(count ? { count } : {}),
});

/** The default lifecycle rules: from the furthest stage down, the first that matches wins. */
export const DEFAULT_LIFECYCLE_STAGES = [
  {
    value: 'super_customer',
    rule: { all: [within365('share'), within365('purchase', { gte: 2 })] },
  },
  { value: 'repeat_purchase', rule: within365('purchase', { gte: 2 }) },
  {
    value: 'transaction',
    rule: { any: [within365('purchase'), { holds: 'wealth' }, { holds: 'fund' }, { holds: 'insurance' }] },
  },
  { value: 'demand', rule: { any: [within365('consult'), within365('apply')] } },
  { value: 'interested', rule: { any: [within365('view_product'), within365('add_favorite')] } },
  {
    value: 'reached',
    rule: { any: [within365('app_open'), within365('campaign_click'), within365('wecom_reply')] },
  },
  { value: 'portrait' },
];

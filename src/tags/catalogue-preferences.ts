import type { KindSpec } from './definition.ts';
import { labelled as v, type Label } from './labels.ts';

// The feedback loop's preference tags: what customers answer (open, click, reply) when the bank's messages reach them
// (message lifecycle events, src/campaigns). A response names its run; the run's message_sent event of the same
// customer says what the content was about. Ties go to the greater count, then the alphabetically last value, so
// that a day's answer does not depend on scan order. Customers who never answered get no value.

const RESPONSE_DAYS = `toDate(time, {tz}) BETWEEN toDate({as_of}) - 89 AND toDate({as_of})`;

/** The touchpoint most of a customer's responses came through in the last 90 days. */
const RESPONSIVE_CHANNEL_SQL = `SELECT customer_id, argMax(ch, (n, ch)) AS value
  FROM (SELECT customer_id, JSONExtractString(properties, 'channel') AS ch, count() AS n
          FROM events_dedup
         WHERE customer_id > 0 AND event IN ('message_opened', 'message_clicked', 'message_replied') AND ${RESPONSE_DAYS}
         GROUP BY customer_id, ch)
 WHERE ch IN ('sms', 'email', 'app_push', 'wecom', 'phone')
 GROUP BY customer_id`;

/** The `property` of the messages a customer clicked or replied to most in the last 90 days (messages sent ≤ 120 days ago). */
function respondedMessagesSql(property: 'content_type' | 'product_category'): string {
  return `SELECT customer_id, argMax(v, (n, v)) AS value
  FROM (SELECT r.customer_id AS customer_id, s.v AS v, count() AS n
          FROM (SELECT customer_id, JSONExtractUInt(properties, 'run_id') AS run FROM events_dedup
                 WHERE customer_id > 0 AND event IN ('message_clicked', 'message_replied') AND ${RESPONSE_DAYS}) AS r
         INNER JOIN (SELECT customer_id, JSONExtractUInt(properties, 'run_id') AS run,
                            any(JSONExtractString(properties, '${property}')) AS v
                       FROM events_dedup
                      WHERE customer_id > 0 AND event = 'message_sent'
                        AND toDate(time, {tz}) BETWEEN toDate({as_of}) - 119 AND toDate({as_of})
                      GROUP BY customer_id, run) AS s
            ON r.customer_id = s.customer_id AND r.run = s.run
         WHERE s.v <> ''
         GROUP BY customer_id, v)
 GROUP BY customer_id`;
}

/** The content type (product, event, media, category, brand) a customer responds to most. */
const CONTENT_AFFINITY_SQL = respondedMessagesSql('content_type');
/** The product category of the messages a customer responds to most. */
const PRODUCT_INTEREST_SQL = respondedMessagesSql('product_category');

/** A preference learnt from responses to the bank's messages: an SQL tag over the event store. */
function responseTag(
  key: string,
  name: Label,
  sql: string,
  values: ReturnType<typeof v>[],
  description: string,
) {
  const kind = { kind: 'sql', spec: { store: 'events', sql, timeout_ms: 600_000, values } } as KindSpec;
  return { key, category: 'behaviour' as const, name_en: name.en, name_zh: name.zh, ...kind, description };
}

/** The builtin preference tags the daily batch recomputes from responses. */
export const PREFERENCE_TAGS = [
  responseTag(
    'responsive_channel_90d',
    { en: 'Channel that answers (90 days)', zh: '应答渠道' },
    RESPONSIVE_CHANNEL_SQL,
    [
      v('sms', 'SMS', '短信'),
      v('email', 'E-mail', '电子邮件'),
      v('app_push', 'App push', 'App推送'),
      v('wecom', 'WeCom', '企业微信'),
      v('phone', 'Phone', '电话'),
    ],
    'The touchpoint most of the customer’s opens, clicks and replies came through in the last 90 days.',
  ),
  responseTag(
    'content_affinity_90d',
    { en: 'Content the customer answers (90 days)', zh: '内容偏好' },
    CONTENT_AFFINITY_SQL,
    [
      v('product', 'Product', '产品'),
      v('event', 'Event / activity', '活动'),
      v('media', 'Article / video / poster', '资讯'),
      v('category', 'Product category', '品类'),
      v('brand', 'Brand', '品牌'),
    ],
    'The content type of the messages the customer clicked or replied to most in the last 90 days.',
  ),
  responseTag(
    'product_interest_90d',
    { en: 'Product interest (90 days)', zh: '产品兴趣' },
    PRODUCT_INTEREST_SQL,
    [
      v('current_deposit', 'Current deposit', '活期存款'),
      v('time_deposit', 'Time deposit', '定期存款'),
      v('wealth', 'Wealth product', '理财'),
      v('fund', 'Fund', '基金'),
      v('insurance', 'Insurance', '保险'),
      v('loan', 'Loan', '贷款'),
      v('credit_card', 'Credit card', '信用卡'),
    ],
    'The product category of the messages the customer clicked or replied to most in the last 90 days.',
  ),
] as const;

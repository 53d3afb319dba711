-- WeCom transfers of a handover (issue #13, item 6): one row per customer whose ownership moved in Flywheel while they
-- were a WeCom friend of the giver. WeCom moves the friendship itself: a request in batches of at most 100 per
-- giver and taker, then transfer_result until every customer is done, refused by the customer, or the taker is at
-- WeCom's customer limit. The row's state is written before and after each call, so a crashed driver resumes: a
-- customer left `requested` is asked again, and WeCom's "already being transferred" answer counts as waiting.
create table wecom_transfers (
  job_id bigint not null references handover_jobs (id),
  customer_id integer not null references customers (id),
  external_userid text not null,
  handover_userid text not null,
  takeover_userid text not null,
  -- resigned: the giver has left (resigned/transfer_customer); employed: transfer_customer with a success message.
  kind text not null check (kind in ('employed', 'resigned')),
  state text not null default 'planned'
    check (state in ('planned', 'requested', 'waiting', 'done', 'refused', 'taker_at_limit', 'failed')),
  -- WeCom's per-customer errcode of the last request (0: scheduled), and why a customer failed in the bank's words.
  errcode integer,
  reason text,
  attempts integer not null default 0,
  -- When a branch head retried a refused customer with another taker: the row it replaced (same job, same customer).
  retried_from text,
  requested_at timestamptz,
  checked_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (job_id, customer_id)
);
create index wecom_transfers_open on wecom_transfers (job_id, handover_userid, takeover_userid)
  where state in ('planned', 'requested', 'waiting');
create index wecom_transfers_state on wecom_transfers (state);

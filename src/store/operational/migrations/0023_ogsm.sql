-- OGSM plans (issue #14 item 5): an objective, goals bound to a metric with a target and a window, strategies scored
-- afterwards, measures, and the lesson — one live plan per subject (a campaign, a journey, an offline activity).
-- The subject is a (kind, id) pair rather than a foreign key: activities live in another room's tables, and a plan
-- must not stop a subject's own lifecycle. Every edit and every review is the next immutable version.

create table ogsm_plans (
  id serial primary key,
  subject_kind text not null check (subject_kind in ('campaign', 'journey', 'activity')),
  subject_id integer not null check (subject_id > 0),
  version integer not null check (version > 0),
  -- The plan as saved (src/ogsm/model.ts): objective, goals, strategies with their scores, measures.
  body jsonb not null,
  lesson text,
  reviewed_by text,
  reviewed_at timestamptz,
  created_by text not null,
  created_at timestamptz not null,
  updated_by text not null,
  updated_at timestamptz not null,
  unique (subject_kind, subject_id)
);

create table ogsm_plan_versions (
  plan_id integer not null references ogsm_plans (id),
  version integer not null check (version > 0),
  body jsonb not null,
  lesson text,
  -- 'edit' (PUT) or 'review' (scores and lesson).
  change text not null check (change in ('edit', 'review')),
  author text not null,
  created_at timestamptz not null,
  primary key (plan_id, version)
);

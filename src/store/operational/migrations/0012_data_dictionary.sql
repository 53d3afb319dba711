-- Issue #12: the data dictionary (元数据). What users see for an event, an event property, a customer attribute or a
-- tag: a display name in both languages, a description and a unit. The shipped defaults live in code
-- (src/dictionary/defaults.ts) and tag names in tag_definitions; a row here is an entry someone edited or imported,
-- or an event first seen through ingestion (needs_naming, names empty until an administrator names it).
create sequence dictionary_revision;

create table dictionary_entries (
  kind text not null check (kind in ('event', 'event_property', 'attribute', 'tag')),
  key text not null check (length(key) between 1 and 200),
  name_zh text not null default '',
  name_en text not null default '',
  description_zh text not null default '',
  description_en text not null default '',
  unit text not null default '',
  needs_naming boolean not null default false,
  -- ingest: registered by ingestion; edit: changed in the dashboard, API or CLI; import: from a CSV file.
  origin text not null check (origin in ('ingest', 'edit', 'import')),
  -- Every change takes a new revision: the dictionary's version (its ETag) is the highest one.
  revision bigint not null default nextval('dictionary_revision'),
  updated_by text not null,
  updated_at timestamptz not null default now(),
  primary key (kind, key)
);

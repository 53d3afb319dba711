-- The content library and the bank's contact policy (issue #11). Content items carry versions; a version is frozen
-- once approved (maker-checker: the approver is not the author) and campaigns send approved versions only.

create table content_items (
  id serial primary key,
  type text not null check (type in ('product', 'event', 'media', 'category', 'brand')),
  media_kind text check (media_kind in ('article', 'video', 'poster')),
  title text not null,
  product_id text references products (id),
  latest_version integer not null default 1,
  approved_version integer,
  archived boolean not null default false,
  created_by text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index content_items_type on content_items (type, id);

create table content_versions (
  content_id integer not null references content_items (id),
  version integer not null check (version > 0),
  -- The draft as saved: type, mediaKind, title, productId, variants (src/campaigns/content/model.ts).
  body jsonb not null,
  status text not null default 'draft' check (status in ('draft', 'pending', 'approved', 'rejected')),
  author text not null,
  created_at timestamptz not null,
  submitted_at timestamptz,
  decided_by text,
  decided_at timestamptz,
  decision_note text,
  primary key (content_id, version),
  -- Maker-checker, held by the store as well as the service.
  check (decided_by is null or status not in ('approved') or decided_by <> author)
);

-- Words financial marketing may not use (src/campaigns/content/compliance.ts ships the defaults).
create table sensitive_words (
  word text primary key check (length(word) between 1 and 64),
  added_by text not null,
  added_at timestamptz not null
);

-- The bank's contact policy (quiet hours, caps; src/campaigns/policy/settings.ts): one row.
create table contact_policy (
  id smallint primary key default 1 check (id = 1),
  settings jsonb not null,
  updated_by text not null,
  updated_at timestamptz not null
);

-- Customers the bank must not contact for marketing or service, whatever their consent says.
create table do_not_contact (
  customer_id integer primary key references customers (id),
  reason text not null,
  added_by text not null,
  added_at timestamptz not null
);

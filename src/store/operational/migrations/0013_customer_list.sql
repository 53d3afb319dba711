-- The customers list (issue #12): the orders its pages walk over a million customers, and the searches it answers,
-- each by an index. Filters by tier, branch, tag and group are bitmaps of the segment index, not SQL.

-- Sort by AUM (either direction): pages walk this index and keep the members of the filtered set.
create index customers_aum_id on customers (aum, id);
-- Customer number by prefix (LIKE 'C00012%') whatever the database's collation.
create index customers_no_pattern on customers (customer_no text_pattern_ops);
-- A masked phone shows its first 3 and last 4 digits: searches use only those (never the hidden middle).
create index customers_phone_last4 on customers (right(phone, 4));
-- A masked name shows its first character and its length: searches use only those.
create index customers_name_shown on customers (left(name, 1), char_length(name));
-- Sort by last contact and by owner since, newest or oldest first.
create index customer_contacts_last on customer_contacts (last_contact_at, customer_id);
create index customer_owners_since on customer_owners (since, customer_id);

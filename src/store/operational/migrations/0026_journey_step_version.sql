-- The version a journey step was taken on: a membership migrated to a later version keeps its earlier steps counted
-- under the version it took them on (the per-version counts read steps by this, not by the membership's version
-- now). Steps logged before this migration take their membership's version, the best that is known of them.
alter table journey_steps add column version_id integer references journey_versions (id);
update journey_steps s set version_id = m.version_id from journey_memberships m where m.id = s.membership_id;
alter table journey_steps alter column version_id set not null;

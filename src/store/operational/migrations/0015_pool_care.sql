-- Compliance cues of the customer pool (issue #12): a contact logged on a touchpoint where the customer withdrew
-- consent (or who is on the do-not-contact list) keeps the warning the user saw and acknowledged; a dismissed
-- reminder keeps why it was dismissed (it can be reopened on the bank's business day it was dismissed).

-- What the user was warned of and acknowledged: {touchpoint, revoked: [purpose…], doNotContact, acknowledgedBy}.
alter table interactions add column consent_warning jsonb;

alter table reminders add column dismiss_reason text;

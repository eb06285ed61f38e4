-- The indexes Lethe's audit job needs to look up the contacts a ticket's free text mentions
-- (dev.lethe.jobs.audit.JdbcSubjectLookup) without reading every contact for each mention.
--
-- On a helpdesk database whose schema Lethe does not migrate, these are the indexes to create
-- there, exactly as written (the lookup's queries use the same expressions): see
-- docs/operations.md. Lookups of a row by its key (tickets.id, threads.id, ...) use the primary
-- keys and need nothing more.
--
--   email:   lower(email) = ?
--   handle:  lower(ltrim(twitter_handle, '@')) = ?
--   phone:   the last 6 digits of phone / mobile (all of them if fewer), reversed, in the "C"
--            collation, searched as a range [tail, tail || ':') so that a number's reversed tail
--            is a prefix (a national number shorter than 6 digits matches its whole length)
--
-- Each index is built once; CONCURRENTLY is not used because Flyway runs a migration in a
-- transaction (on a large external helpdesk, create them CONCURRENTLY by hand instead).

CREATE INDEX IF NOT EXISTS contacts_lower_email_idx ON contacts (lower(email));

CREATE INDEX IF NOT EXISTS contacts_handle_idx ON contacts (lower(ltrim(twitter_handle, '@')));

CREATE INDEX IF NOT EXISTS contacts_phone_tail_idx
    ON contacts ((reverse(right(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), 6))) COLLATE "C");

CREATE INDEX IF NOT EXISTS contacts_mobile_tail_idx
    ON contacts ((reverse(right(regexp_replace(coalesce(mobile, ''), '[^0-9]', '', 'g'), 6))) COLLATE "C");

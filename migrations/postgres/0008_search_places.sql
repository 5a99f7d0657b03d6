-- Search finds events by where they are too: the venue's name and city join the full-text index
-- ("berlin" finds the events in Berlin), weighted like tags.
DROP INDEX events_search;
ALTER TABLE events DROP COLUMN search;
ALTER TABLE events ADD COLUMN search TSVECTOR GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', tags), 'B') ||
    setweight(to_tsvector('english', coalesce(venue_name, '') || ' ' || coalesce(venue_city, '')), 'B') ||
    setweight(to_tsvector('english', description), 'C')
) STORED;
CREATE INDEX events_search ON events USING GIN (search);

-- Search finds events by where they are too: the venue's name and city join the full-text index
-- ("berlin" finds the events in Berlin). The index is rebuilt from the events table.
DROP TRIGGER events_fts_insert;
DROP TRIGGER events_fts_delete;
DROP TRIGGER events_fts_update;
DROP TABLE events_fts;

CREATE VIRTUAL TABLE events_fts USING fts5 (
    title, description, tags, venue_name, venue_city,
    content = 'events', content_rowid = 'seq',
    tokenize = 'porter unicode61'
);
INSERT INTO events_fts (events_fts) VALUES ('rebuild');

CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (rowid, title, description, tags, venue_name, venue_city)
    VALUES (new.seq, new.title, new.description, new.tags, new.venue_name, new.venue_city);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, title, description, tags, venue_name, venue_city)
    VALUES ('delete', old.seq, old.title, old.description, old.tags, old.venue_name, old.venue_city);
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF title, description, tags, venue_name, venue_city ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, title, description, tags, venue_name, venue_city)
    VALUES ('delete', old.seq, old.title, old.description, old.tags, old.venue_name, old.venue_city);
    INSERT INTO events_fts (rowid, title, description, tags, venue_name, venue_city)
    VALUES (new.seq, new.title, new.description, new.tags, new.venue_name, new.venue_city);
END;

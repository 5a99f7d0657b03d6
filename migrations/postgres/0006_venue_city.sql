-- The city a venue is in, shown on event cards next to the venue's name ("The Foundry · London").
ALTER TABLE events ADD COLUMN venue_city TEXT;

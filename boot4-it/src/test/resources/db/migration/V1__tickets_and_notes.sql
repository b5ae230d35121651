-- Ticket's IDENTITY key is SQLite's rowid (INTEGER PRIMARY KEY), Note's UUID a 16-byte blob, as
-- Hibernate's SQLite dialect binds it.
CREATE TABLE ticket (id INTEGER PRIMARY KEY, title TEXT NOT NULL, priority INTEGER NOT NULL);
CREATE TABLE note (id BLOB NOT NULL PRIMARY KEY, title TEXT NOT NULL, body TEXT);

-- version 2 of the app: a column with a default, a table, a renamed column
ALTER TABLE note ADD COLUMN body TEXT NOT NULL DEFAULT '';
CREATE TABLE tag (
  id TEXT NOT NULL PRIMARY KEY,
  note TEXT,
  name TEXT
);
ALTER TABLE note RENAME COLUMN title TO heading;

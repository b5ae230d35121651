-- A later migration: chora keeps capturing the table with its new column.
ALTER TABLE note ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT 0;

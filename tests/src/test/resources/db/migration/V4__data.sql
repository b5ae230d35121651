-- OR IGNORE: the row may already have come from a replica that ran this migration first
INSERT OR IGNORE INTO note (id, title) VALUES ('welcome', 'Welcome');
UPDATE note SET body = 'Hello from ' || title WHERE body = '';

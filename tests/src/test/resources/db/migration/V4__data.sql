INSERT INTO note (id, title) VALUES ('welcome', 'Welcome');
UPDATE note SET body = 'Hello from ' || title WHERE body = '';

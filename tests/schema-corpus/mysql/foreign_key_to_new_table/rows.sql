INSERT INTO posts (id, author_id) VALUES (1, NULL);

INSERT INTO t VALUES (1, 5, 'a@example.org', 'xyz', 3);

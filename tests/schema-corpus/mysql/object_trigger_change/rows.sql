INSERT INTO t (id, n, note) VALUES (1, 1, 'a');

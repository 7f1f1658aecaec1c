INSERT INTO t (id, a, b) VALUES (1, 10, 'x'), (2, 20, NULL), (5, -3, 'it''s');

INSERT INTO orders (id, status, total) VALUES (1, 'open', 9.5), (2, 'closed', 3);

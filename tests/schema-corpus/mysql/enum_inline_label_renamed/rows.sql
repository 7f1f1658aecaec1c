INSERT INTO orders (id, state) VALUES (1, 'done');

INSERT INTO logs (id, created_at) VALUES (1, '2024-01-15');

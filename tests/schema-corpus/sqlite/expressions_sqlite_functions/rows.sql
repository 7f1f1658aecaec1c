INSERT INTO docs (id, data, code) VALUES (1, '{"kind": "a"}', 'AB');

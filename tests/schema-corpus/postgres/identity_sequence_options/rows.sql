INSERT INTO voltages (id, volt) VALUES (1, -150);
INSERT INTO plain_ids (id, n) VALUES (1, 70);
INSERT INTO falling (id, n) OVERRIDING SYSTEM VALUE VALUES (1, -20);

INSERT INTO ref.countries VALUES ('x');
INSERT INTO shops VALUES (1, 'x');

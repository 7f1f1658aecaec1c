CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TYPE shade AS ENUM ('dark', 'light');
CREATE TYPE fresh AS ENUM ('new');
COMMENT ON TYPE mood IS 'how it feels';
COMMENT ON TYPE shade IS 'it''s new';
COMMENT ON TYPE fresh IS 'with its type';
CREATE TABLE t (id int PRIMARY KEY, m mood);

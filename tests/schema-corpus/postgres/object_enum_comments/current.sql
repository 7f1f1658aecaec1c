CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TYPE shade AS ENUM ('dark', 'light');
CREATE TYPE gone AS ENUM ('x');
COMMENT ON TYPE shade IS 'old';
COMMENT ON TYPE gone IS 'goes with its type';
CREATE TABLE t (id int PRIMARY KEY, m mood);

CREATE FUNCTION is_email(s text) RETURNS boolean AS $$ BEGIN RETURN s LIKE '%@%'; END; $$ LANGUAGE plpgsql IMMUTABLE;
CREATE DOMAIN email AS text CHECK (is_email(VALUE));
CREATE TYPE color AS ENUM ('red', 'green', 'blue');
CREATE DOMAIN primary_color AS color;
CREATE TABLE t (id int PRIMARY KEY, e email, c primary_color);

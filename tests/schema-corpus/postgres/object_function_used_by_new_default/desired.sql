CREATE FUNCTION code_prefix() RETURNS text LANGUAGE sql IMMUTABLE AS $$SELECT 'C-'$$;
CREATE FUNCTION next_code() RETURNS text LANGUAGE sql VOLATILE AS $$SELECT code_prefix() || md5(random()::text)$$;
CREATE TABLE t (id int PRIMARY KEY, note text, code text NOT NULL DEFAULT next_code());

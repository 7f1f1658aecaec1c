CREATE TABLE t (id int PRIMARY KEY);
CREATE FUNCTION slug(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$SELECT lower(replace(v, ' ', '-'))$$;
CREATE TABLE pages (
    id int PRIMARY KEY,
    title text NOT NULL,
    slug text GENERATED ALWAYS AS (slug(title)) STORED,
    CONSTRAINT title_slug CHECK (slug(title) <> '')
);

CREATE TYPE visibility AS ENUM ('public', 'private');
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, created timestamptz NOT NULL DEFAULT now());
CREATE TABLE posts (
    id serial PRIMARY KEY,
    user_id int NOT NULL REFERENCES users ON DELETE CASCADE,
    body text CHECK (body <> ''),
    visibility visibility NOT NULL DEFAULT 'public'
);
CREATE INDEX posts_user ON posts (user_id) WHERE visibility = 'public';
CREATE TABLE tags (post_id int REFERENCES posts, tag text, PRIMARY KEY (post_id, tag));
COMMENT ON TABLE tags IS 'Free-form labels';

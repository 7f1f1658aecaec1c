CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);
CREATE TABLE logs (id bigint PRIMARY KEY, line text);

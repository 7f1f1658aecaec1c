CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, legacy text);
CREATE TABLE posts (id serial PRIMARY KEY, user_id int REFERENCES users, body text);

CREATE TABLE sessions (id INT NOT NULL, started DATE NOT NULL, note VARCHAR(20), PRIMARY KEY (id, started));

CREATE TABLE test (id integer, n int, CONSTRAINT test_pkey PRIMARY KEY (id), CONSTRAINT "my.constraint" CHECK (n > 0), CONSTRAINT n_unique UNIQUE (n));
CREATE TABLE other (id int PRIMARY KEY, test_id int CONSTRAINT other_test_fk REFERENCES test (id));
CREATE TABLE fresh (id int CONSTRAINT fresh_pkey PRIMARY KEY);
COMMENT ON CONSTRAINT test_pkey ON test IS 'Primary key constraint';
COMMENT ON CONSTRAINT "my.constraint" ON test IS 'it''s a check';
COMMENT ON CONSTRAINT other_test_fk ON other IS 'new text';
COMMENT ON CONSTRAINT fresh_pkey ON fresh IS 'on a new table';

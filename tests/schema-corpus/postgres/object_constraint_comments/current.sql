CREATE TABLE test (id integer, n int, CONSTRAINT test_pkey PRIMARY KEY (id), CONSTRAINT "my.constraint" CHECK (n > 0), CONSTRAINT n_unique UNIQUE (n));
CREATE TABLE other (id int PRIMARY KEY, test_id int CONSTRAINT other_test_fk REFERENCES test (id));
COMMENT ON CONSTRAINT n_unique ON test IS 'going';
COMMENT ON CONSTRAINT other_test_fk ON other IS 'old text';

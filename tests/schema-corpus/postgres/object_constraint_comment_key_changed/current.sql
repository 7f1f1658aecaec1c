CREATE TABLE t (id int NOT NULL, n int NOT NULL, CONSTRAINT t_pkey PRIMARY KEY (id), CONSTRAINT n_positive CHECK (n > 0));
COMMENT ON CONSTRAINT t_pkey ON t IS 'the key';
COMMENT ON CONSTRAINT n_positive ON t IS 'going with its check';

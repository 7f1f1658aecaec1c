CREATE TABLE parents (id int CONSTRAINT parents_pk PRIMARY KEY);
CREATE TABLE t (
    id int CONSTRAINT t_pk PRIMARY KEY,
    code text CONSTRAINT t_code_key UNIQUE,
    n int CONSTRAINT n_positive CHECK (n > 0),
    parent_id int CONSTRAINT t_parent_fk REFERENCES parents (id)
);

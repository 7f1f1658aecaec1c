CREATE TABLE parents (id int CONSTRAINT parents_pk PRIMARY KEY);
CREATE TABLE t (
    id int,
    code text,
    n int,
    parent_id int,
    CONSTRAINT t_pkey PRIMARY KEY (id), -- @renamed from=t_pk
    CONSTRAINT t_code_unique UNIQUE (code), -- @renamed from=t_code_key
    CONSTRAINT t_n_positive CHECK (n > 0), -- @renamed from=n_positive
    CONSTRAINT t_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES parents (id) -- @renamed from=t_parent_fk
);

CREATE TABLE parents (id INT PRIMARY KEY);
CREATE TABLE t (
    id INT PRIMARY KEY,
    code VARCHAR(20),
    n INT,
    parent_id INT,
    CONSTRAINT t_code_unique UNIQUE (code), -- @renamed from=t_code_key
    CONSTRAINT t_n_positive CHECK (n > 0), -- @renamed from=n_positive
    CONSTRAINT t_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES parents (id) -- @renamed from=t_parent_fk
);

CREATE TABLE parents (id INT PRIMARY KEY);
CREATE TABLE t (
    id INT PRIMARY KEY,
    code VARCHAR(20),
    n INT,
    parent_id INT,
    CONSTRAINT t_code_key UNIQUE (code),
    CONSTRAINT n_positive CHECK (n > 0),
    CONSTRAINT t_parent_fk FOREIGN KEY (parent_id) REFERENCES parents (id)
);

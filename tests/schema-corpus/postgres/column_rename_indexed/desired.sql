CREATE TABLE t (
    id int PRIMARY KEY,
    label text -- @renamed from=name
);
CREATE INDEX t_name ON t (label);

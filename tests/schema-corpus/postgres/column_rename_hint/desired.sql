CREATE TABLE t (
    id int PRIMARY KEY,
    full_name text -- @renamed from=name
);

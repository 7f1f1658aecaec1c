CREATE TABLE writers ( -- @renamed from=authors
    id int PRIMARY KEY,
    name text -- @renamed from="full name"
);

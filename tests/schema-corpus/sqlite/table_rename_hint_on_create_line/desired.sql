CREATE TABLE writers ( -- @renamed from=authors
    id INTEGER PRIMARY KEY,
    name TEXT -- @renamed from="full name"
);

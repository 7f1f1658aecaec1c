CREATE TABLE empty ();

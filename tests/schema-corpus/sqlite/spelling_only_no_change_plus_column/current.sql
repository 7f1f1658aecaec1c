create table t (id integer primary key, a int check(a>0), b text default 'x');

CREATE TABLE rooms (room int, during tsrange);

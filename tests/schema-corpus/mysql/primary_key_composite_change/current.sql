CREATE TABLE m (user_id INT NOT NULL, team_id INT NOT NULL, PRIMARY KEY (user_id));

ALTER TABLE `users` RENAME COLUMN `full_name` TO `name`;

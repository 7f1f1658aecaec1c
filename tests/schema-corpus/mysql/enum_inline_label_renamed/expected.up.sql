ALTER TABLE `orders` MODIFY COLUMN `state` enum('open','done','late','closed','overdue') NOT NULL DEFAULT 'open';
UPDATE `orders` SET `state` = 'closed' WHERE `state` = 'done';
UPDATE `orders` SET `state` = 'overdue' WHERE `state` = 'late';
ALTER TABLE `orders` MODIFY COLUMN `state` enum('open','closed','overdue') NOT NULL DEFAULT 'open';

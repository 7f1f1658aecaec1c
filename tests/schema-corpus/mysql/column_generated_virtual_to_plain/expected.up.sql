ALTER TABLE `t` ADD COLUMN `b__plain` int(11) NULL;
UPDATE `t` SET `b__plain` = `b`;
ALTER TABLE `t` DROP COLUMN `b`;
ALTER TABLE `t` CHANGE COLUMN `b__plain` `b` int(11) NULL;

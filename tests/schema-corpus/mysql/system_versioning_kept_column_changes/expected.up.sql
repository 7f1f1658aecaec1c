SET STATEMENT system_versioning_alter_history = KEEP FOR ALTER TABLE `t` DROP COLUMN `gone`;
SET STATEMENT system_versioning_alter_history = KEEP FOR ALTER TABLE `t` ADD COLUMN `b` varchar(10) NULL;
SET STATEMENT system_versioning_alter_history = KEEP FOR ALTER TABLE `t` MODIFY COLUMN `a` bigint(20) NULL;

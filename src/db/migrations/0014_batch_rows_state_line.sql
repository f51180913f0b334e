DROP INDEX `training_batch_rows_state`;--> statement-breakpoint
CREATE INDEX `training_batch_rows_state` ON `training_batch_rows` (`batch_id`,`state`,`line`);
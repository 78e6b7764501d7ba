import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log found by what was done to (`resource` as a prefix, newest first). Pattern ops
 * serve LIKE 'prefix%'. Tool runs (`tool.execute`, most of the log, written on every run) are
 * left out, so a run pays for no index entry: they are found in the run history instead.
 * Not CONCURRENTLY: instances starting together wait for the migrations' advisory lock in a
 * statement, whose snapshot a concurrent build would wait for (a deadlock), and the embedded
 * database fails such builds; the build holds the log's writes for as long as it reads the log.
 */
export class AuditResourceIndex1795300000043 implements MigrationInterface {
  name = 'AuditResourceIndex1795300000043';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "idx_audit_logs_resource" ON "audit_logs" ("resource" varchar_pattern_ops, "timestamp") WHERE resource IS NOT NULL AND action <> 'tool.execute'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_audit_logs_resource"`);
  }
}

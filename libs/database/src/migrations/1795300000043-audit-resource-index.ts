import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log found by what was done to (`resource` as a prefix, newest first). Pattern ops
 * serve LIKE 'prefix%'. Tool runs (`tool.execute`, most of the log, written on every run) are
 * left out, so a run pays for no index entry: they are found in the run history instead.
 */
export class AuditResourceIndex1795300000043 implements MigrationInterface {
  name = 'AuditResourceIndex1795300000043';
  // Built beside the writes on a log already full (CONCURRENTLY), which no transaction may hold.
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    // An attempt cut short leaves an invalid index of that name: made again from scratch.
    await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "idx_audit_logs_resource"`);
    await queryRunner.query(`CREATE INDEX CONCURRENTLY "idx_audit_logs_resource" ON "audit_logs" ("resource" varchar_pattern_ops, "timestamp") WHERE resource IS NOT NULL AND action <> 'tool.execute'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_audit_logs_resource"`);
  }
}

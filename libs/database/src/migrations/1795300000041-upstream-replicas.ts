import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Copies of an upstream kept connected and how calls are spread over them; every server so far has one. */
export class UpstreamReplicas1795300000041 implements MigrationInterface {
  name = 'UpstreamReplicas1795300000041';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" ADD "replicas" jsonb NOT NULL DEFAULT '{"count":1,"strategy":"round_robin"}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" DROP COLUMN "replicas"`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UpstreamUserConfigs1795300000026 implements MigrationInterface {
  name = 'UpstreamUserConfigs1795300000026';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "upstream_servers" ADD "user_config" jsonb`);
    // A server's deletion takes its users' configurations with it. Users are never deleted (only
    // disabled), as for favorites and runs.
    await queryRunner.query(`
      CREATE TABLE "upstream_user_configs" (
        "server_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "sealed" text NOT NULL,
        "fields" text array NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_upstream_user_configs" PRIMARY KEY ("server_id", "user_id"),
        CONSTRAINT "fk_upstream_user_configs_server" FOREIGN KEY ("server_id") REFERENCES "upstream_servers"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "idx_upstream_user_configs_user" ON "upstream_user_configs" ("user_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "upstream_user_configs"`);
    await queryRunner.query(`ALTER TABLE "upstream_servers" DROP COLUMN "user_config"`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An organization's configuration of a server, for every member without one of their own. No
 * foreign key to organizations (the tools lib does not own them): deleting one deletes its rows.
 */
export class UpstreamOrganizationConfigs1795300000029 implements MigrationInterface {
  name = 'UpstreamOrganizationConfigs1795300000029';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "upstream_organization_configs" (
        "server_id" uuid NOT NULL,
        "organization_id" uuid NOT NULL,
        "sealed" text NOT NULL,
        "fields" text array NOT NULL,
        "updated_by" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_upstream_organization_configs" PRIMARY KEY ("server_id", "organization_id"),
        CONSTRAINT "fk_upstream_organization_configs_server" FOREIGN KEY ("server_id") REFERENCES "upstream_servers"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "idx_upstream_organization_configs_organization" ON "upstream_organization_configs" ("organization_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "upstream_organization_configs"`);
  }
}

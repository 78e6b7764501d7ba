import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UpstreamServerGroups1795300000017 implements MigrationInterface {
  name = 'UpstreamServerGroups1795300000017';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "upstream_server_groups" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" character varying(100) NOT NULL,
        "description" character varying(500),
        "color" character varying(7),
        "icon" character varying(50),
        "sort_order" integer NOT NULL DEFAULT 0,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_upstream_server_groups" PRIMARY KEY ("id"),
        CONSTRAINT "uq_upstream_server_groups_name" UNIQUE ("name")
      )`);
    // A deleted group leaves its servers in place, ungrouped.
    await queryRunner.query(`ALTER TABLE "upstream_servers" ADD COLUMN "group_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "upstream_servers" ADD CONSTRAINT "fk_upstream_servers_group" FOREIGN KEY ("group_id") REFERENCES "upstream_server_groups"("id") ON DELETE SET NULL`,
    );
    await queryRunner.query(`CREATE INDEX "idx_upstream_servers_group" ON "upstream_servers" ("group_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_upstream_servers_group"`);
    await queryRunner.query(`ALTER TABLE "upstream_servers" DROP CONSTRAINT "fk_upstream_servers_group"`);
    await queryRunner.query(`ALTER TABLE "upstream_servers" DROP COLUMN "group_id"`);
    await queryRunner.query(`DROP TABLE "upstream_server_groups"`);
  }
}

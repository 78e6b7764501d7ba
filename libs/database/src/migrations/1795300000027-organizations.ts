import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Organizations1795300000027 implements MigrationInterface {
  name = 'Organizations1795300000027';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "organizations" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" character varying(200) NOT NULL,
        "plan" jsonb NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_organizations" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_organizations_name" ON "organizations" (lower("name"))`);
    // One organization per user; a deleted organization releases its members (their rows go). Users
    // are never deleted (only disabled), as for favorites and runs.
    await queryRunner.query(`
      CREATE TABLE "organization_members" (
        "user_id" uuid NOT NULL,
        "organization_id" uuid NOT NULL,
        "role" character varying(16) NOT NULL,
        "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_organization_members" PRIMARY KEY ("user_id"),
        CONSTRAINT "fk_organization_members_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "idx_organization_members_organization" ON "organization_members" ("organization_id", "joined_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "organization_members"`);
    await queryRunner.query(`DROP TABLE "organizations"`);
  }
}

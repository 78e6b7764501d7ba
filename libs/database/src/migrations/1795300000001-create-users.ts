import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsers1795300000001 implements MigrationInterface {
  name = 'CreateUsers1795300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "email" character varying(320) NOT NULL,
        "name" character varying(200) NOT NULL,
        "organization" character varying(200),
        "phone" character varying(16),
        "password_hash" character varying(255),
        "roles" text array NOT NULL DEFAULT '{user}',
        "permissions" text array NOT NULL DEFAULT '{}',
        "status" character varying(16) NOT NULL DEFAULT 'active',
        "mfa_enabled" boolean NOT NULL DEFAULT false,
        "last_login_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_users" PRIMARY KEY ("id"),
        CONSTRAINT "uq_users_email" UNIQUE ("email")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "users"`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MfaAndSaml1795300000006 implements MigrationInterface {
  name = 'MfaAndSaml1795300000006';

  async up(queryRunner: QueryRunner): Promise<void> {
    // MFA state lives on the user: the method, the sealed TOTP secret, the SMS number, the
    // backup codes' keyed hashes, and the last accepted TOTP time step (replay guard).
    await queryRunner.query(`
      ALTER TABLE "users"
        ADD "mfa_method" character varying(8),
        ADD "mfa_secret" text,
        ADD "mfa_phone" character varying(16),
        ADD "mfa_backup_codes" text array NOT NULL DEFAULT '{}',
        ADD "mfa_last_step" bigint,
        ADD "auth_source" character varying(16) NOT NULL DEFAULT 'local'`);
    // Short-lived, single-use MFA challenges: login tokens (mfaToken) and SMS codes.
    await queryRunner.query(`
      CREATE TABLE "mfa_challenges" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "purpose" character varying(16) NOT NULL,
        "token_hash" character varying(64),
        "code_hash" character varying(64),
        "attempts" integer NOT NULL DEFAULT 0,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "consumed_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_mfa_challenges" PRIMARY KEY ("id"),
        CONSTRAINT "uq_mfa_challenges_token" UNIQUE ("token_hash"),
        CONSTRAINT "fk_mfa_challenges_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "idx_mfa_challenges_user_purpose" ON "mfa_challenges" ("user_id", "purpose", "created_at")`);
    await queryRunner.query(`CREATE INDEX "idx_mfa_challenges_expires" ON "mfa_challenges" ("expires_at")`);
    // AuthnRequest ids we issued, so a SAML response must answer one of them, once.
    await queryRunner.query(`
      CREATE TABLE "saml_requests" (
        "id" character varying(128) NOT NULL,
        "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "consumed_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_saml_requests" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "idx_saml_requests_expires" ON "saml_requests" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "saml_requests"`);
    await queryRunner.query(`DROP TABLE "mfa_challenges"`);
    await queryRunner.query(`
      ALTER TABLE "users"
        DROP COLUMN "auth_source",
        DROP COLUMN "mfa_last_step",
        DROP COLUMN "mfa_backup_codes",
        DROP COLUMN "mfa_phone",
        DROP COLUMN "mfa_secret",
        DROP COLUMN "mfa_method"`);
  }
}

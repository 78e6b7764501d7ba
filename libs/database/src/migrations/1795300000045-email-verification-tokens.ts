import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One-time tokens mailed to prove an address: only their hash is kept, with the address they prove. */
export class EmailVerificationTokens1795300000045 implements MigrationInterface {
  name = 'EmailVerificationTokens1795300000045';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "email_verification_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "email" character varying(320) NOT NULL,
        "token_hash" character varying(64) NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_email_verification_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "uq_email_verification_tokens_hash" UNIQUE ("token_hash"),
        CONSTRAINT "fk_email_verification_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "idx_email_verification_tokens_user" ON "email_verification_tokens" ("user_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "email_verification_tokens"`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether an account's address was ever proven: an IdP vouched for it, or an admin made or
 * promoted the account. Self sign-up proves nothing (there is no e-mail here), so single sign-on
 * with that address must not simply walk into such an account (pre-account hijacking).
 */
export class EmailVerified1795300000039 implements MigrationInterface {
  name = 'EmailVerified1795300000039';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "email_verified_at" TIMESTAMP WITH TIME ZONE`);
    // Accounts before this: from SSO, admins (the bootstrap admin among them), and those an admin
    // made or gave a password-setup token (as far as the audit log, which is pruned, still tells).
    await queryRunner.query(`
      UPDATE "users" SET email_verified_at = created_at
       WHERE auth_source <> 'local' OR 'admin' = ANY(roles)
          OR id IN (SELECT user_id FROM password_setup_tokens)
          OR id::text IN (SELECT substring(resource FROM 6) FROM audit_logs WHERE action = 'admin.user.create' AND resource LIKE 'user:%')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "email_verified_at"`);
  }
}

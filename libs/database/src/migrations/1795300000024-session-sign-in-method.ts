import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SessionSignInMethod1795300000024 implements MigrationInterface {
  name = 'SessionSignInMethod1795300000024';

  async up(queryRunner: QueryRunner): Promise<void> {
    // How a login session was signed in (password, password+totp, saml…): its refreshed tokens keep
    // what that sign-in allows (ADMIN_REQUIRES_MFA). Null for door sessions and older logins.
    await queryRunner.query(`ALTER TABLE "sessions" ADD "sign_in_method" varchar(32)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "sign_in_method"`);
  }
}

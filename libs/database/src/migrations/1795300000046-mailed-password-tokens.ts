import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Set-password tokens mailed to the account's address (a forgotten password), as against handed to an admin. */
export class MailedPasswordTokens1795300000046 implements MigrationInterface {
  name = 'MailedPasswordTokens1795300000046';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "password_setup_tokens" ADD COLUMN "mailed_to" character varying(320)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "password_setup_tokens" DROP COLUMN "mailed_to"`);
  }
}

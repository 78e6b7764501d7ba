import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OAuthClientKeys1795300000022 implements MigrationInterface {
  name = 'OAuthClientKeys1795300000022';

  async up(queryRunner: QueryRunner): Promise<void> {
    // private_key_jwt clients (RFC 7523): their public keys, given inline or by URL.
    await queryRunner.query(`ALTER TABLE "oauth_clients" ADD "jwks" jsonb`);
    await queryRunner.query(`ALTER TABLE "oauth_clients" ADD "jwks_uri" varchar(2000)`);
    // Each client assertion is taken once: its jti is kept until the assertion expires.
    await queryRunner.query(
      `CREATE TABLE "oauth_client_assertions" ("key" char(64) NOT NULL, "expires_at" timestamptz NOT NULL, CONSTRAINT "pk_oauth_client_assertions" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_oauth_client_assertions_expires" ON "oauth_client_assertions" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "oauth_client_assertions"`);
    await queryRunner.query(`ALTER TABLE "oauth_clients" DROP COLUMN "jwks_uri"`);
    await queryRunner.query(`ALTER TABLE "oauth_clients" DROP COLUMN "jwks"`);
  }
}

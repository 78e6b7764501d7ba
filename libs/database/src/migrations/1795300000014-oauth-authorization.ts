import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OAuthAuthorization1795300000014 implements MigrationInterface {
  name = 'OAuthAuthorization1795300000014';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Clients registered by MCP clients (RFC 7591); a secret, when there is one, is kept as a keyed hash.
    await queryRunner.query(`
      CREATE TABLE "oauth_clients" (
        "id" uuid NOT NULL,
        "name" character varying(200),
        "redirect_uris" text array NOT NULL,
        "grant_types" text array NOT NULL,
        "auth_method" character varying(32) NOT NULL,
        "secret_hash" character varying(64),
        "scope" text array,
        "client_uri" character varying(2000),
        "software_id" character varying(200),
        "software_version" character varying(200),
        "registered_from" character varying(64),
        "last_used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_oauth_clients" PRIMARY KEY ("id")
      )`);
    // Authorization codes: single use (deleted when spent), a minute of life, bound to client, redirect and PKCE challenge.
    await queryRunner.query(`
      CREATE TABLE "oauth_authorization_codes" (
        "code_hash" character varying(64) NOT NULL,
        "client_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "redirect_uri" text NOT NULL,
        "code_challenge" character varying(128) NOT NULL,
        "scope" text array,
        "resource" text,
        "method" character varying(32) NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_oauth_authorization_codes" PRIMARY KEY ("code_hash"),
        CONSTRAINT "fk_oauth_codes_client" FOREIGN KEY ("client_id") REFERENCES "oauth_clients"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_oauth_codes_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "idx_oauth_codes_expires" ON "oauth_authorization_codes" ("expires_at")`);
    // An authorization request waiting for the user's single sign-on: found again by the SAML RelayState,
    // completed only in the browser that started it (binding_hash: a cookie) and that came back from the IdP
    // (completion_hash: a secret in the redirect after the assertion), for the user the IdP named.
    await queryRunner.query(`
      CREATE TABLE "oauth_sso_requests" (
        "token_hash" character varying(64) NOT NULL,
        "binding_hash" character varying(64) NOT NULL,
        "user_id" uuid,
        "completion_hash" character varying(64),
        "client_id" uuid NOT NULL,
        "redirect_uri" text NOT NULL,
        "code_challenge" character varying(128) NOT NULL,
        "scope" text array,
        "resource" text,
        "state" text,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_oauth_sso_requests" PRIMARY KEY ("token_hash"),
        CONSTRAINT "fk_oauth_sso_requests_client" FOREIGN KEY ("client_id") REFERENCES "oauth_clients"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_oauth_sso_requests_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "idx_oauth_sso_requests_expires" ON "oauth_sso_requests" ("expires_at")`);
    // A refresh token issued through OAuth is bound to its client and keeps the scope it was granted.
    await queryRunner.query(`ALTER TABLE "refresh_tokens" ADD COLUMN "client_id" uuid`);
    await queryRunner.query(`ALTER TABLE "refresh_tokens" ADD COLUMN "scope" text array`);
    await queryRunner.query(
      `ALTER TABLE "refresh_tokens" ADD CONSTRAINT "fk_refresh_tokens_oauth_client" FOREIGN KEY ("client_id") REFERENCES "oauth_clients"("id") ON DELETE CASCADE`,
    );
    // Which OAuth client a session was signed in through, for the user's and the admin's lists.
    await queryRunner.query(`ALTER TABLE "sessions" ADD COLUMN "oauth_client_id" uuid`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD COLUMN "oauth_client_name" character varying(200)`);
    // A client's tokens are found (its sessions, its removal's cascade) without reading them all.
    await queryRunner.query(`CREATE INDEX "idx_refresh_tokens_client" ON "refresh_tokens" ("client_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "oauth_client_name"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "oauth_client_id"`);
    await queryRunner.query(`DROP INDEX "idx_refresh_tokens_client"`);
    await queryRunner.query(`ALTER TABLE "refresh_tokens" DROP CONSTRAINT "fk_refresh_tokens_oauth_client"`);
    await queryRunner.query(`ALTER TABLE "refresh_tokens" DROP COLUMN "scope"`);
    await queryRunner.query(`ALTER TABLE "refresh_tokens" DROP COLUMN "client_id"`);
    await queryRunner.query(`DROP TABLE "oauth_sso_requests"`);
    await queryRunner.query(`DROP TABLE "oauth_authorization_codes"`);
    await queryRunner.query(`DROP TABLE "oauth_clients"`);
  }
}

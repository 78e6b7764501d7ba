import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OAuthBrowserSessions1795300000023 implements MigrationInterface {
  name = 'OAuthBrowserSessions1795300000023';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Who is signed in at the authorization endpoint in a browser (its cookie's keyed hash), so a
    // second request from that browser asks for a click, not the password and MFA again.
    await queryRunner.query(
      `CREATE TABLE "oauth_browser_sessions" ("token_hash" varchar(64) NOT NULL, "user_id" uuid NOT NULL, "method" varchar(32) NOT NULL, "password_mark" varchar(64),
        "created_at" timestamptz NOT NULL DEFAULT now(), "expires_at" timestamptz NOT NULL,
        CONSTRAINT "pk_oauth_browser_sessions" PRIMARY KEY ("token_hash"),
        CONSTRAINT "fk_oauth_browser_sessions_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(`CREATE INDEX "idx_oauth_browser_sessions_user" ON "oauth_browser_sessions" ("user_id")`);
    await queryRunner.query(`CREATE INDEX "idx_oauth_browser_sessions_expires" ON "oauth_browser_sessions" ("expires_at")`);
    // What a user allowed a client (null scope: all the user holds), so the same ask is not put again.
    await queryRunner.query(
      `CREATE TABLE "oauth_consents" ("user_id" uuid NOT NULL, "client_id" uuid NOT NULL, "scope" text array, "granted_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_oauth_consents" PRIMARY KEY ("user_id", "client_id"),
        CONSTRAINT "fk_oauth_consents_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "fk_oauth_consents_client" FOREIGN KEY ("client_id") REFERENCES "oauth_clients"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(`CREATE INDEX "idx_oauth_consents_client" ON "oauth_consents" ("client_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "oauth_consents"`);
    await queryRunner.query(`DROP TABLE "oauth_browser_sessions"`);
  }
}

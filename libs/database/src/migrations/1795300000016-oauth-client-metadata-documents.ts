import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OAuthClientMetadataDocuments1795300000016 implements MigrationInterface {
  name = 'OAuthClientMetadataDocuments1795300000016';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A client that names itself by the URL of its metadata document: one row per URL, refreshed
    // from the document once it is stale. Registered clients keep both columns null.
    await queryRunner.query(`ALTER TABLE "oauth_clients" ADD COLUMN "metadata_url" character varying(2000)`);
    await queryRunner.query(`ALTER TABLE "oauth_clients" ADD COLUMN "metadata_expires_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "oauth_clients" ADD CONSTRAINT "uq_oauth_clients_metadata_url" UNIQUE ("metadata_url")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "oauth_clients" DROP CONSTRAINT "uq_oauth_clients_metadata_url"`);
    await queryRunner.query(`ALTER TABLE "oauth_clients" DROP COLUMN "metadata_expires_at"`);
    await queryRunner.query(`ALTER TABLE "oauth_clients" DROP COLUMN "metadata_url"`);
  }
}

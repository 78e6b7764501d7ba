import { Column, CreateDateColumn } from 'typeorm';

/** What a checked authorization request fixes for the code it leads to; the exchange checks it again. */
export abstract class PendingGrantColumns {
  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri!: string;

  @Column({ name: 'code_challenge', type: 'varchar', length: 128 })
  codeChallenge!: string;

  @Column({ type: 'text', array: true, nullable: true })
  scope!: string[] | null;

  @Column({ type: 'text', nullable: true })
  resource!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type SessionStatus = 'active' | 'terminated' | 'expired';
export type ConnectionType = 'http' | 'websocket' | 'mcp';

/** A login (http) or a live connection (websocket, mcp); its id is the tokens' `sid` claim. */
@Entity('sessions')
@Index('idx_sessions_user_started', ['userId', 'startedAt'])
@Index('idx_sessions_status_ended', ['status', 'endedAt'])
@Index('idx_sessions_started', ['startedAt', 'id'])
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_sessions' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'context_id', type: 'varchar', length: 64, nullable: true })
  contextId!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: SessionStatus;

  @Column({ name: 'connection_type', type: 'varchar', length: 16 })
  connectionType!: ConnectionType;

  @Column({ name: 'ip_address', type: 'varchar', length: 64, nullable: true })
  ipAddress!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'last_activity', type: 'timestamptz', default: () => 'now()' })
  lastActivity!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'end_reason', type: 'varchar', length: 100, nullable: true })
  endReason!: string | null;

  @Column({ name: 'messages_received', type: 'integer', default: 0 })
  messagesReceived!: number;

  @Column({ name: 'messages_sent', type: 'integer', default: 0 })
  messagesSent!: number;

  @Column({ name: 'tool_executions', type: 'integer', default: 0 })
  toolExecutions!: number;

  @Column({ type: 'integer', default: 0 })
  errors!: number;

  /** The MCP protocol version negotiated by an MCP session. */
  @Column({ name: 'protocol_version', type: 'varchar', length: 32, nullable: true })
  protocolVersion!: string | null;

  /** What an MCP client declared it can answer (its initialize capabilities). */
  @Column({ name: 'client_capabilities', type: 'jsonb', nullable: true })
  clientCapabilities!: Record<string, unknown> | null;

  /** The OAuth client a session was signed in through (as registered then); null for any other sign-in. */
  @Column({ name: 'oauth_client_id', type: 'uuid', nullable: true })
  oauthClientId!: string | null;

  @Column({ name: 'oauth_client_name', type: 'varchar', length: 200, nullable: true })
  oauthClientName!: string | null;

  /** How a login session was signed in (`password`, `password+totp`, `saml`…); null for door sessions. */
  @Column({ name: 'sign_in_method', type: 'varchar', length: 32, nullable: true })
  signInMethod!: string | null;

  /** The least severe log level an MCP client asked for (logging/setLevel). */
  @Column({ name: 'log_level', type: 'varchar', length: 16, nullable: true })
  logLevel!: string | null;
}

import { createTestCa } from '@app/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './app-config';

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.database.kind).toBe('embedded');
    expect(config.redisUrl).toBeUndefined();
    expect(config.saml).toBeUndefined();
    expect(config.rateLimits.login).toEqual({ limit: 5, windowSeconds: 900 });
    expect(config.rateLimits.loginIp).toEqual({ limit: 300, windowSeconds: 900 });
    expect(config.rateLimits.register).toEqual({ limit: 3, windowSeconds: 3600 });
    expect(config.rateLimits.toolsExecute).toEqual({ limit: 100, windowSeconds: 60 });
    expect(config.rateLimits.toolsList).toEqual({ limit: 1000, windowSeconds: 60 });
    expect(config.rateLimits.wsMessages).toEqual({ limit: 100, windowSeconds: 1 });
    expect(config.toolsRoot.endsWith('/data/workspace')).toBe(true);
    expect(config.auditRetentionDays).toBe(365);
    expect(config.webhooks.deliveryRetentionDays).toBe(30);
    expect(config.tools.executionRetentionDays).toBe(0);
    expect(config.tools.cacheMaxBytes).toBe(64 * 1024 * 1024);
  });

  it('reads TRUST_PROXY as no proxy, a number of proxies in front (true is one), or their addresses and CIDRs', () => {
    expect(parseConfig({}).trustProxy).toBe(false);
    for (const off of ['false', 'no', '0']) expect(parseConfig({ TRUST_PROXY: off }).trustProxy).toBe(false);
    expect(parseConfig({ TRUST_PROXY: 'true' }).trustProxy).toEqual({ hops: 1 });
    expect(parseConfig({ TRUST_PROXY: '3' }).trustProxy).toEqual({ hops: 3 });
    expect(parseConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,fd00::/8' }).trustProxy).toEqual({ proxies: ['10.0.0.0/8', '192.0.2.7', 'fd00::/8'] });
    for (const bad of ['11', 'lb.example.com', '10.0.0.0/33', '10.0.0.0/8/1', 'fd00::/129', '10.0.0.0/x']) expect(() => parseConfig({ TRUST_PROXY: bad })).toThrow(ConfigError);
  });

  it('takes a METRICS_TOKEN of 16 to 512 characters without spaces, and never repeats a refused one', () => {
    expect(parseConfig({}).metricsToken).toBeUndefined();
    expect(parseConfig({ METRICS_TOKEN: 'scrape-token-0123456789' }).metricsToken).toBe('scrape-token-0123456789');
    for (const bad of ['short-secret', 'has a space in it here', 'x'.repeat(513)]) {
      expect(() => parseConfig({ METRICS_TOKEN: bad })).toThrow(ConfigError);
      expect(() => parseConfig({ METRICS_TOKEN: bad })).not.toThrow(bad);
    }
  });

  it('never repeats the user and password of a URL it refuses', () => {
    for (const [name, value] of [
      ['DATABASE_URL', 'postgres://mcp:S3cretPassw0rd@db:54x32/mcp'],
      ['REDIS_URL', 'redis://default:S3cretPassw0rd@cache:63x79'],
    ]) {
      let message = '';
      try {
        parseConfig({ [name]: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(name);
      expect(message).toContain('***@');
      expect(message).not.toContain('S3cretPassw0rd');
    }
  });

  it('bounds the lifetime of API keys only when asked, within 60 s to 2 years', () => {
    expect(parseConfig({}).apiKeyMaxTtlSeconds).toBeUndefined();
    expect(parseConfig({ API_KEY_MAX_TTL_SECONDS: '7776000' }).apiKeyMaxTtlSeconds).toBe(7_776_000);
    for (const bad of ['59', '63072001', '90d', '-1', '1.5']) expect(() => parseConfig({ API_KEY_MAX_TTL_SECONDS: bad })).toThrow(ConfigError);
  });

  it('caps live /ws connections and event streams per user, 20 each unless told', () => {
    expect(parseConfig({}).realtime).toMatchObject({ wsMaxConnectionsPerUser: 20, sseMaxStreamsPerUser: 20 });
    expect(parseConfig({ SSE_MAX_STREAMS_PER_USER: '5' }).realtime.sseMaxStreamsPerUser).toBe(5);
    for (const bad of ['0', '10001', '1.5', 'many']) expect(() => parseConfig({ SSE_MAX_STREAMS_PER_USER: bad })).toThrow(ConfigError);
  });

  it('sizes the cache of upstream results in bytes, 0 keeping none, and refuses others', () => {
    expect(parseConfig({ TOOL_CACHE_MAX_BYTES: '0' }).tools.cacheMaxBytes).toBe(0);
    expect(parseConfig({ TOOL_CACHE_MAX_BYTES: '1048576' }).tools.cacheMaxBytes).toBe(1_048_576);
    for (const bad of ['-1', '1.5', '64MiB', String(4 * 1024 ** 3 + 1)]) expect(() => parseConfig({ TOOL_CACHE_MAX_BYTES: bad })).toThrow(ConfigError);
  });

  it('takes retention periods in days, 0 keeping everything, and refuses others', () => {
    expect(parseConfig({ WEBHOOK_DELIVERY_RETENTION_DAYS: '0' }).webhooks.deliveryRetentionDays).toBe(0);
    expect(parseConfig({ WEBHOOK_DELIVERY_RETENTION_DAYS: '7' }).webhooks.deliveryRetentionDays).toBe(7);
    expect(parseConfig({ TOOL_EXECUTION_RETENTION_DAYS: '90' }).tools.executionRetentionDays).toBe(90);
    for (const name of ['WEBHOOK_DELIVERY_RETENTION_DAYS', 'TOOL_EXECUTION_RETENTION_DAYS']) {
      for (const bad of ['-1', '1.5', 'week', '36501']) expect(() => parseConfig({ [name]: bad })).toThrow(ConfigError);
    }
  });

  it('selects the database from DATABASE_URL', () => {
    expect(parseConfig({ DATABASE_URL: 'memory' }).database).toEqual({ kind: 'memory' });
    expect(parseConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).database).toEqual({ kind: 'postgres', url: 'postgres://u@h:5432/db' });
  });

  it('reads where OAuth clients metadata documents may come from', () => {
    expect(parseConfig({}).oauth).toEqual({ dynamicRegistration: true, clientIdMetadata: true, clientIdMetadataHosts: [] });
    expect(parseConfig({ OAUTH_CLIENT_ID_METADATA: 'false', OAUTH_CLIENT_ID_METADATA_HOSTS: 'Agents.Example.com, *.corp.example, 10.0.0.5:8443' }).oauth).toEqual({
      dynamicRegistration: true,
      clientIdMetadata: false,
      clientIdMetadataHosts: ['agents.example.com', '*.corp.example', '10.0.0.5:8443'],
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x/y'],
    ['REDIS_URL', 'not a url'],
    ['RATE_LIMIT_LOGIN', '5 per 15m'],
    ['RATE_LIMIT_TOOLS_EXECUTE', '0/60'],
    ['LOG_LEVEL', 'loud'],
    ['SECRETS_KEY', 'short'],
    ['SECRETS_PREVIOUS_KEYS', `${'a'.repeat(64)},short`],
    ['SECRETS_PREVIOUS_KEYS', `${'a'.repeat(64)},${'A'.repeat(64)}`],
    ['JWT_PRIVATE_KEY', 'not a pem'],
    ['JWT_PRIVATE_KEY', '-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----'],
    ['JWT_PREVIOUS_PUBLIC_KEYS', '-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----'],
    ['CORS_ORIGINS', 'https://app.example.com/'],
    ['CORS_ORIGINS', 'not an origin'],
    ['MCP_ALLOWED_ORIGINS', 'https://agent.example.com/mcp'],
    ['SAML_ROLE_MAP', '{"a":1}'],
    ['OAUTH_CLIENT_ID_METADATA', 'maybe'],
    ['OAUTH_CLIENT_ID_METADATA_HOSTS', 'https://agents.example.com'],
    ['OAUTH_CLIENT_ID_METADATA_HOSTS', 'agents.example.com/clients'],
    ['OAUTH_CLIENT_ID_METADATA_HOSTS', '*'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'grpc://collector:4317'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'collector:4318'],
    ['REGISTRATION_OPEN', 'sometimes'],
    ['REGISTRATION_EMAIL_DOMAINS', '@corp.example'],
    ['REGISTRATION_EMAIL_DOMAINS', '*.corp.example'],
    ['REGISTRATION_EMAIL_DOMAINS', 'localhost'],
  ])('refuses a bad %s with one line naming it', (variable, value) => {
    const env: Record<string, string> = { [variable]: value };
    if (variable === 'SAML_ROLE_MAP') Object.assign(env, { SAML_ENTRY_POINT: 'https://idp.example/sso', SAML_IDP_CERT: 'MIIBase64Body' });
    let caught: unknown;
    try {
      parseConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toContain(variable);
    expect((caught as ConfigError).message).not.toContain('\n');
  });

  it('keeps sign-up open to anyone unless told otherwise, with domains lower-cased', () => {
    expect(parseConfig({}).registration).toEqual({ open: true, emailDomains: [] });
    expect(parseConfig({ REGISTRATION_OPEN: 'false', REGISTRATION_EMAIL_DOMAINS: ' Corp.Example ,sub.example.org' }).registration).toEqual({ open: false, emailDomains: ['corp.example', 'sub.example.org'] });
  });

  it('traces tool runs only when an OTLP endpoint is set, with the headers OpenTelemetry documents', () => {
    expect(parseConfig({ OTEL_SERVICE_NAME: 'gateway', OTEL_EXPORTER_OTLP_HEADERS: 'x=1' }).tracing).toBeUndefined();
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({ endpoint: 'http://collector:4318/v1/traces', serviceName: 'secure-mcp-server', headers: {} });
    expect(
      parseConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp/v1/traces',
        OTEL_SERVICE_NAME: 'mcp-gateway-eu',
        OTEL_EXPORTER_OTLP_HEADERS: 'Api-Key=abc%3D%3D, x-tenant = eu',
      }).tracing,
    ).toEqual({ endpoint: 'https://traces.example/otlp/v1/traces', serviceName: 'mcp-gateway-eu', headers: { 'api-key': 'abc==', 'x-tenant': 'eu' } });
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'a=1', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=2' }).tracing?.headers).toEqual({ b: '2' });
    for (const bad of ['novalue', '=x', 'bad key=1', 'k=%E0%A4%A']) {
      expect(() => parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: bad })).toThrow(/OTEL_EXPORTER_OTLP_HEADERS/);
    }
  });

  it('reads the keys SECRETS_KEY replaced, and refuses SECRETS_KEY among them', () => {
    const current = 'c'.repeat(64);
    const previous = Buffer.alloc(32, 7).toString('base64');
    expect(parseConfig({}).secretsPreviousKeys).toEqual([]);
    expect(parseConfig({ SECRETS_KEY: current, SECRETS_PREVIOUS_KEYS: ` ${previous} , ${'d'.repeat(64)},` }).secretsPreviousKeys).toEqual([previous, 'd'.repeat(64)]);
    // The same 32 bytes written another way are still the same key.
    const same = Buffer.from(current, 'hex').toString('base64');
    expect(() => parseConfig({ SECRETS_KEY: current, SECRETS_PREVIOUS_KEYS: same })).toThrow(/SECRETS_PREVIOUS_KEYS must not repeat SECRETS_KEY/);
  });

  it('takes the sealing keys from Vault instead of SECRETS_KEY, never both', () => {
    const vault = { VAULT_ADDR: 'https://vault.example.com:8200/', VAULT_TOKEN: 's.token', VAULT_SECRET_PATH: 'secret/data/secure-mcp' };
    expect(parseConfig(vault).vault).toEqual({ address: 'https://vault.example.com:8200', auth: { method: 'token', token: 's.token' }, secretPath: 'secret/data/secure-mcp' });
    expect(parseConfig({ ...vault, VAULT_NAMESPACE: 'team-a' }).vault?.namespace).toBe('team-a');
    expect(parseConfig({}).vault).toBeUndefined();
    expect(() => parseConfig({ ...vault, SECRETS_KEY: 'c'.repeat(64) })).toThrow(/SECRETS_KEY must not be set with VAULT_ADDR/);
    expect(() => parseConfig({ ...vault, SECRETS_PREVIOUS_KEYS: 'c'.repeat(64) })).toThrow(/SECRETS_PREVIOUS_KEYS must not be set with VAULT_ADDR/);
    expect(() => parseConfig({ ...vault, VAULT_TOKEN: '' })).toThrow(/VAULT_TOKEN must be set with VAULT_ADDR/);
    expect(() => parseConfig({ ...vault, VAULT_SECRET_PATH: '' })).toThrow(/VAULT_SECRET_PATH must be set/);
    for (const path of ['secure-mcp', '/secret/data/x', 'secret/../sys/x', 'secret/data/x?list=true', 'secret//x']) expect(() => parseConfig({ ...vault, VAULT_SECRET_PATH: path }), path).toThrow(/VAULT_SECRET_PATH/);
    expect(() => parseConfig({ ...vault, VAULT_ADDR: 'ftp://vault' })).toThrow(/VAULT_ADDR/);
    expect(() => parseConfig({ VAULT_TOKEN: 's.token' })).toThrow(/VAULT_TOKEN needs VAULT_ADDR/);
  });

  it('mails through SMTP_URL from MAIL_FROM, with links to MAIL_LINK_BASE or PUBLIC_URL', () => {
    expect(parseConfig({}).mail).toBeUndefined();
    const mail = { SMTP_URL: 'smtp://user:pass@mail.example.com:587', MAIL_FROM: 'Secure MCP <no-reply@example.com>' };
    expect(parseConfig({ ...mail, PUBLIC_URL: 'https://mcp.example.com/' }).mail).toEqual({ smtpUrl: mail.SMTP_URL, from: mail.MAIL_FROM, linkBase: 'https://mcp.example.com' });
    expect(parseConfig({ ...mail, MAIL_LINK_BASE: 'https://app.example.com/account/' }).mail?.linkBase).toBe('https://app.example.com/account');
    expect(parseConfig({ ...mail, SMTP_URL: 'smtps://mail.example.com', MAIL_FROM: 'no-reply@example.com' }).mail?.from).toBe('no-reply@example.com');
    expect(() => parseConfig({ ...mail, MAIL_FROM: '' })).toThrow(/MAIL_FROM must be set with SMTP_URL/);
    for (const from of ['nobody', 'a@b', 'Name <a@b.c', 'x\r\nBcc: evil@example.com <a@b.c>']) expect(() => parseConfig({ ...mail, MAIL_FROM: from }), from).toThrow(/MAIL_FROM/);
    expect(() => parseConfig({ ...mail, SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL/);
    expect(parseConfig({ ...mail, SMTP_URL: 'smtp://relay.internal:25?starttls=optional' }).mail?.smtpUrl).toContain('starttls=optional');
    expect(() => parseConfig({ ...mail, SMTP_URL: 'smtp://relay.internal:25?tls=off' })).toThrow(/takes no query but \?starttls=optional/);
    // A URL that does not parse is refused without being repeated: it carries the password.
    for (const bad of ['smtp://user:s3cret%zz@mail.example.com', 'not a url s3cret']) {
      expect(() => parseConfig({ ...mail, SMTP_URL: bad }), bad).toThrow(/SMTP_URL must be a URL/);
      expect(() => parseConfig({ ...mail, SMTP_URL: bad })).not.toThrow(/s3cret/);
    }
    expect(() => parseConfig({ MAIL_FROM: 'no-reply@example.com' })).toThrow(/MAIL_FROM needs SMTP_URL/);
    expect(() => parseConfig({ MAIL_LINK_BASE: 'https://app.example.com' })).toThrow(/MAIL_LINK_BASE needs SMTP_URL/);
    expect(() => parseConfig({ ...mail, MAIL_LINK_BASE: 'javascript:alert(1)' })).toThrow(/MAIL_LINK_BASE/);
  });

  it('signs in to Vault with an AppRole instead of a token, never both, and trusts VAULT_CACERT', () => {
    const vault = { VAULT_ADDR: 'https://vault.example.com:8200', VAULT_SECRET_PATH: 'secret/data/secure-mcp' };
    const appRole = { ...vault, VAULT_ROLE_ID: 'role', VAULT_SECRET_ID: 'secret' };
    expect(parseConfig(appRole).vault?.auth).toEqual({ method: 'approle', roleId: 'role', secretId: 'secret', mount: 'approle' });
    expect(parseConfig({ ...appRole, VAULT_APPROLE_MOUNT: 'team-a/approle' }).vault?.auth).toMatchObject({ mount: 'team-a/approle' });
    expect(() => parseConfig({ ...appRole, VAULT_TOKEN: 's.token' })).toThrow(/VAULT_ROLE_ID must not be set with VAULT_TOKEN/);
    expect(() => parseConfig({ ...vault, VAULT_ROLE_ID: 'role' })).toThrow(/VAULT_SECRET_ID must be set with VAULT_ROLE_ID/);
    expect(() => parseConfig({ ...vault, VAULT_SECRET_ID: 'secret' })).toThrow(/VAULT_ROLE_ID must be set with VAULT_SECRET_ID/);
    expect(() => parseConfig({ ...appRole, VAULT_APPROLE_MOUNT: '../sys' })).toThrow(/VAULT_APPROLE_MOUNT/);
    expect(() => parseConfig({ VAULT_ROLE_ID: 'role' })).toThrow(/VAULT_ROLE_ID needs VAULT_ADDR/);
    expect(() => parseConfig({ VAULT_CACERT: '/etc/ca.pem' })).toThrow(/VAULT_CACERT needs VAULT_ADDR/);

    const dir = mkdtempSync(join(tmpdir(), 'vault-ca-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, createTestCa().pem);
    expect(parseConfig({ ...appRole, VAULT_CACERT: caFile }).vault?.caCert).toContain('BEGIN CERTIFICATE');
    expect(() => parseConfig({ ...appRole, VAULT_ADDR: 'http://vault:8200', VAULT_CACERT: caFile })).toThrow(/VAULT_CACERT applies to an https:\/\/ VAULT_ADDR/);
    expect(() => parseConfig({ ...appRole, VAULT_CACERT: join(dir, 'missing.pem') })).toThrow(/VAULT_CACERT cannot be read \(ENOENT/);
    writeFileSync(join(dir, 'empty.pem'), 'nothing here');
    expect(() => parseConfig({ ...appRole, VAULT_CACERT: join(dir, 'empty.pem') })).toThrow(/VAULT_CACERT holds no PEM certificate/);
    writeFileSync(join(dir, 'bad.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(() => parseConfig({ ...appRole, VAULT_CACERT: join(dir, 'bad.pem') })).toThrow(/VAULT_CACERT holds a certificate that does not parse/);
  });

  it('requires pairs to be set together', () => {
    expect(() => parseConfig({ ADMIN_EMAIL: 'a@b.c' })).toThrow(/ADMIN_PASSWORD/);
    expect(() => parseConfig({ SAML_ENTRY_POINT: 'https://idp/sso' })).toThrow(/SAML_IDP_CERT/);
  });

  it('parses rate limits and lists', () => {
    const config = parseConfig({ RATE_LIMIT_LOGIN: '10/60', CORS_ORIGINS: 'https://a.example, https://b.example' });
    expect(config.rateLimits.login).toEqual({ limit: 10, windowSeconds: 60 });
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });
});

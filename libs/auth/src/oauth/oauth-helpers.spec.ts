import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isS256Challenge, verifierMatches } from './pkce';
import { formActionSource, matchRedirectUri, redirectUriProblem, withParameters } from './redirect-uris';
import { grantedScope, parseScope, withinGrant } from './scopes';
import { escapeHtml, renderSignInPage } from './sign-in-page';

describe('redirect URIs a client may register', () => {
  it.each([
    'https://app.example.com/callback',
    'https://app.example.com/cb?tenant=7',
    'http://localhost:33418/callback',
    'http://127.0.0.1/callback',
    'http://[::1]:8080/',
    'vscode://vscode.github-authentication/did-authenticate',
    'cursor://anysphere.cursor-retrieval/oauth/callback',
    'com.example.app:/oauth2redirect',
  ])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
  });

  it.each([
    ['', 'must be 1 to'],
    ['x'.repeat(2001), 'must be 1 to'],
    ['http://app.example.com/callback', 'http is allowed only'],
    ['http://localhost.evil.com/callback', 'http is allowed only'],
    ['http://10.0.0.1/callback', 'http is allowed only'],
    ['https://app.example.com/cb#fragment', 'fragment'],
    ['https://user:pass@app.example.com/cb', 'credentials'],
    ['javascript:alert(1)', 'scheme javascript:'],
    ['JavaScript:alert(1)', 'scheme javascript:'],
    ['data:text/html,<script>1</script>', 'scheme data:'],
    ['file:///etc/passwd', 'scheme file:'],
    ['vbscript:msgbox', 'scheme vbscript:'],
    ['/relative/callback', 'absolute'],
    ['https://app.example.com/c b', 'spaces or control'],
    ['https://app.example.com/\ncb', 'spaces or control'],
    ['wss://app.example.com/cb', 'scheme wss:'],
  ])('refuses %j', (uri, problem) => {
    expect(redirectUriProblem(uri)).toContain(problem);
  });

  it('matches exactly, or a loopback URI on another port (RFC 8252 §7.3)', () => {
    const registered = ['https://app.example.com/cb', 'http://127.0.0.1/callback'];
    expect(matchRedirectUri(registered, 'https://app.example.com/cb')).toBe('https://app.example.com/cb');
    expect(matchRedirectUri(registered, 'http://127.0.0.1:51234/callback')).toBe('http://127.0.0.1:51234/callback');
    expect(matchRedirectUri(registered, 'https://app.example.com/cb/')).toBeUndefined();
    expect(matchRedirectUri(registered, 'https://app.example.com:8443/cb')).toBeUndefined();
    expect(matchRedirectUri(registered, 'http://127.0.0.1:51234/other')).toBeUndefined();
    expect(matchRedirectUri(registered, 'http://localhost:51234/callback')).toBeUndefined();
    expect(matchRedirectUri(registered, 'http://127.0.0.1:51234/callback#x')).toBeUndefined();
    expect(matchRedirectUri(registered, 'http://u:p@127.0.0.1:51234/callback')).toBeUndefined();
    expect(matchRedirectUri(registered, 'not a url')).toBeUndefined();
  });

  it('adds answer parameters to the query, keeping the registered ones, and names the form target', () => {
    expect(withParameters('https://app.example.com/cb?tenant=7', { code: 'a b', state: undefined, iss: 'https://mcp.example.com' })).toBe('https://app.example.com/cb?tenant=7&code=a+b&iss=https%3A%2F%2Fmcp.example.com');
    expect(formActionSource('https://app.example.com/cb?x=1')).toBe('https://app.example.com');
    expect(formActionSource('vscode://vscode.github-authentication/did')).toBe('vscode:');
  });
});

describe('PKCE S256', () => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  it('accepts the verifier of the challenge (RFC 7636 appendix B)', () => {
    expect(challenge).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(isS256Challenge(challenge)).toBe(true);
    expect(verifierMatches(verifier, challenge)).toBe(true);
  });

  it('refuses another verifier, a short or foreign-alphabet one, and a plain challenge', () => {
    expect(verifierMatches(`${verifier.slice(0, -1)}l`, challenge)).toBe(false);
    expect(verifierMatches('short', createHash('sha256').update('short').digest('base64url'))).toBe(false);
    const spaced = `${'a'.repeat(42)} `;
    expect(verifierMatches(spaced, createHash('sha256').update(spaced).digest('base64url'))).toBe(false);
    expect(verifierMatches(verifier, verifier)).toBe(false);
    expect(isS256Challenge('plain-challenge')).toBe(false);
    expect(verifierMatches('a'.repeat(129), createHash('sha256').update('a'.repeat(129)).digest('base64url'))).toBe(false);
  });
});

describe('scopes', () => {
  it('parses space-separated tokens; absent or blank is null; malformed is undefined', () => {
    expect(parseScope(undefined)).toBeNull();
    expect(parseScope('  ')).toBeNull();
    expect(parseScope('read:tools  execute:tools read:tools')).toEqual(['read:tools', 'execute:tools']);
    expect(parseScope('read:"tools"')).toBeUndefined();
    expect(parseScope('read:tools\\x')).toBeUndefined();
    expect(parseScope('é')).toBeUndefined();
    expect(parseScope(Array.from({ length: 65 }, (_, i) => `s${i}`).join(' '))).toBeUndefined();
    expect(parseScope('x'.repeat(129))).toBeUndefined();
  });

  it('grants what the user holds, through wildcards, and never more', () => {
    const developer = ['execute:tools', 'filesystem:*', 'read:tools'];
    expect(grantedScope(developer, null)).toEqual(developer);
    expect(grantedScope(developer, ['read:tools', 'filesystem:read', 'admin:*', '*', 'write:users'])).toEqual(['read:tools', 'filesystem:read']);
    expect(grantedScope(['*', 'admin:*'], ['write:users'])).toEqual(['write:users']);
  });

  it('keeps a refresh within the grant', () => {
    expect(withinGrant(null, ['anything'])).toBe(true);
    expect(withinGrant(['read:tools', 'filesystem:*'], ['filesystem:read'])).toBe(true);
    expect(withinGrant(['read:tools'], ['read:tools', 'execute:tools'])).toBe(false);
    expect(withinGrant(['filesystem:read'], ['filesystem:*'])).toBe(false);
  });
});

describe('the sign-in page', () => {
  it('escapes everything a client or a request supplies', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;');
    const html = renderSignInPage(
      {
        clientName: '<script>alert(1)</script>',
        clientId: 'c',
        returnsTo: 'https://evil.example"><b>',
        scopes: ['read:tools<i>'],
        fields: { client_id: 'c', state: '"><script>alert(2)</script>' },
        email: '"onfocus=alert(3) x="',
        message: '<img src=x>',
        askForCode: true,
        singleSignOn: true,
      },
      'authorize',
    );
    expect(html).not.toMatch(/<script|<img|<b>|<i>|"onfocus/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('name="state" value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"');
    expect(html).toContain('name="decision" value="sso"');
  });
});

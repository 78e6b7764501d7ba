/** The hidden fields that carry an authorization request through the sign-in form. */
export const REQUEST_FIELDS = ['client_id', 'redirect_uri', 'response_type', 'code_challenge', 'code_challenge_method', 'state', 'scope', 'resource'] as const;
export type RequestField = (typeof REQUEST_FIELDS)[number];

export interface SignInPageView {
  readonly clientName: string | null;
  readonly clientId: string;
  /** The URL of the client's metadata document: its host is the one thing about the client that TLS vouches for. */
  readonly metadataDocument?: string;
  /** Where the user will be sent back: shown, since a registered name proves nothing. */
  readonly returnsTo: string;
  readonly scopes: readonly string[] | null;
  readonly fields: Readonly<Partial<Record<RequestField, string>>>;
  readonly email?: string;
  readonly message?: string;
  readonly askForCode: boolean;
  /** Offer "Sign in with SSO" (SAML is configured). */
  readonly singleSignOn: boolean;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (character) => ESCAPES[character]);
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;display:flex;justify-content:center}
main{background:#fff;margin:48px 16px;padding:32px;border-radius:8px;max-width:420px;width:100%;box-shadow:0 1px 4px #0002}
h1{font-size:20px;margin:0 0 16px}label{display:block;margin:12px 0 4px;font-size:14px}
input{width:100%;box-sizing:border-box;padding:8px;font-size:15px}.note{font-size:13px;color:#555}
.error{background:#fdecea;color:#8a1c12;padding:8px 12px;border-radius:4px}code{word-break:break-all}
.actions{display:flex;gap:8px;margin-top:20px}button{flex:1;padding:10px;font-size:15px;cursor:pointer}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** Who asks, for what, and where the answer goes: said the same way on every page of a request. */
function requestSummary(view: Pick<SignInPageView, 'clientName' | 'clientId' | 'metadataDocument' | 'scopes' | 'returnsTo'>, after: string): string {
  const named = view.clientName ? `<strong>${escapeHtml(view.clientName)}</strong> <span class="note">(name given by the client, not verified)</span>` : `the client <code>${escapeHtml(view.clientId)}</code>`;
  const client = view.metadataDocument ? `${named}, described by <code>${escapeHtml(new URL(view.metadataDocument).host)}</code>,` : named;
  const scopes = view.scopes === null ? 'everything your account may do' : view.scopes.map((scope) => `<code>${escapeHtml(scope)}</code>`).join(', ');
  return `<p>${client} asks to use Secure MCP Server as you, with ${scopes}.</p>
<p class="note">${after} you will be sent back to <code>${escapeHtml(view.returnsTo)}</code>. Continue only if you started this from that application.</p>`;
}

function hiddenRequestFields(fields: SignInPageView['fields']): string {
  return REQUEST_FIELDS.flatMap((name) => {
    const value = fields[name];
    return value === undefined ? [] : [`<input type="hidden" name="${name}" value="${escapeHtml(value)}">`];
  }).join('');
}

/**
 * The page for a browser already signed in here: the same request, a click to allow it. "Use
 * another account" ends this browser's sign-in and shows the sign-in form.
 */
export function renderConsentPage(
  view: Pick<SignInPageView, 'clientName' | 'clientId' | 'metadataDocument' | 'scopes' | 'returnsTo' | 'fields'> & { readonly signedInAs: string; readonly consentProof: string },
  action: string,
): string {
  const body = `<h1>Allow access to Secure MCP Server</h1>
<p>Signed in as <strong>${escapeHtml(view.signedInAs)}</strong>.</p>
${requestSummary(view, 'If you allow it,')}
<form method="post" action="${escapeHtml(action)}">${hiddenRequestFields(view.fields)}<input type="hidden" name="consent" value="${escapeHtml(view.consentProof)}">
<div class="actions"><button type="submit" name="decision" value="deny">Deny</button><button type="submit" name="decision" value="allow" autofocus>Allow</button></div>
<p class="note">Not you?</p><div class="actions"><button type="submit" name="decision" value="switch">Use another account</button></div>
</form>`;
  return page('Allow access - Secure MCP Server', body);
}

/** The sign-in page of an authorization request: who asks, where the answer goes, and the form. */
export function renderSignInPage(view: SignInPageView, action: string): string {
  const hidden = hiddenRequestFields(view.fields);
  const code = view.askForCode
    ? `<label for="code">Authentication code (from your app or SMS, or a backup code)</label><input id="code" name="code" autocomplete="one-time-code" required autofocus>`
    : `<label for="code">Authentication code <span class="note">(only if your account uses MFA)</span></label><input id="code" name="code" autocomplete="one-time-code">`;
  const body = `<h1>Sign in to Secure MCP Server</h1>
${requestSummary(view, 'After you sign in')}
${view.message ? `<p class="error" role="alert">${escapeHtml(view.message)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">${hidden}
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(view.email ?? '')}"${view.askForCode ? '' : ' autofocus'}>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
${code}
<div class="actions"><button type="submit" name="decision" value="deny" formnovalidate>Deny</button><button type="submit" name="decision" value="allow">Sign in and allow</button></div>
${view.singleSignOn ? '<p class="note">Or, with your organization\'s account (this allows the request too):</p><div class="actions"><button type="submit" name="decision" value="sso" formnovalidate>Sign in with SSO</button></div>' : ''}
</form>`;
  return page('Sign in - Secure MCP Server', body);
}

/** A request that cannot be sent back to its client: told to the user, never redirected. */
export function renderErrorPage(message: string): string {
  return page('Sign-in request refused - Secure MCP Server', `<h1>This sign-in request cannot be completed</h1><p class="error" role="alert">${escapeHtml(message)}</p><p class="note">Start again from the application you were using.</p>`);
}

import type { SamlConfig } from '@app/config';
import { PassportStrategy } from '@nestjs/passport';
import { type OnModuleDestroy } from '@nestjs/common';
import { type PassportSamlConfig, type Profile, Strategy, ValidateInResponseTo, type VerifyWithoutRequest } from '@node-saml/passport-saml';
import passport from 'passport';
import { parseStringPromise, processors } from 'xml2js';
import { isRole, type Role } from '../roles';
import { SAML_REQUEST_TTL_MS, type SamlRequestCache } from './saml-request.cache';

export const SAML_STRATEGY = 'saml';
// Small: the IdP's clock and ours may differ a little, never by minutes.
const CLOCK_SKEW_MS = 30_000;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/** Who the IdP says signed in, once every check has passed. */
export interface SamlIdentity {
  readonly email: string;
  readonly name: string;
  readonly roles: Role[];
  readonly groups: string[];
  readonly issuer: string;
  readonly sessionIndex: string | null;
  readonly [key: string]: unknown;
}

/** A response refused for a reason that goes to the audit log (and the 401 message). */
export class SamlRejection extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SamlRejection';
  }
}

interface XmlNode {
  readonly $?: Record<string, string>;
  readonly [child: string]: unknown;
}

/** Parsed like node-saml parses (namespace prefixes stripped): `{ Root: { $: attributes, Child: [...] } }`. */
async function parse(xml: string): Promise<Record<string, XmlNode>> {
  try {
    return (await parseStringPromise(xml, { tagNameProcessors: [processors.stripPrefix], attrNameProcessors: [processors.stripPrefix], explicitRoot: true })) as Record<string, XmlNode>;
  } catch {
    throw new SamlRejection('unreadable SAML XML');
  }
}

function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  return Array.isArray(value) ? (value.filter((child) => typeof child === 'object' && child !== null) as XmlNode[]) : [];
}

function strings(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string' && item !== '');
}

/**
 * SAML 2.0 Web SSO with @node-saml/passport-saml. node-saml verifies the XML signature (of the
 * assertion or of the whole response) against SAML_IDP_CERT, refuses more than one assertion
 * (signature wrapping), checks audience and time conditions, and that InResponseTo names a request
 * we issued. `validate` adds what it leaves out: Destination and Recipient must be our ACS URL, the
 * NameID must be an email, and the request id is spent atomically, so a response works once.
 */
export class SamlStrategy extends PassportStrategy(Strategy, SAML_STRATEGY) implements OnModuleDestroy {
  constructor(
    private readonly settings: SamlConfig,
    private readonly requests: SamlRequestCache,
  ) {
    const options: PassportSamlConfig = {
      entryPoint: settings.entryPoint,
      idpCert: settings.idpCert,
      issuer: settings.issuer,
      audience: settings.issuer,
      callbackUrl: settings.callbackUrl,
      // Either signature is enough; node-saml still refuses a response in which nothing is signed.
      wantAssertionsSigned: false,
      wantAuthnResponseSigned: false,
      signatureAlgorithm: 'sha256',
      validateInResponseTo: ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: SAML_REQUEST_TTL_MS,
      cacheProvider: requests,
      acceptedClockSkewMs: CLOCK_SKEW_MS,
      identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      disableRequestedAuthnContext: true,
      passReqToCallback: false,
    };
    // The mixin appends the verify callback (it calls `validate`); SAML logout is not offered.
    super(...([options] as unknown as [PassportSamlConfig, VerifyWithoutRequest]));
  }

  async validate(profile: Profile | null): Promise<SamlIdentity> {
    if (!profile) throw new SamlRejection('the response carries no assertion');
    const responseXml = profile.getSamlResponseXml?.();
    const assertionXml = profile.getAssertionXml?.();
    if (!responseXml || !assertionXml) throw new SamlRejection('the response carries no assertion');
    const destination = (await parse(responseXml)).Response?.$?.Destination;
    if (destination && destination !== this.settings.callbackUrl) throw new SamlRejection(`wrong Destination ${destination}`);
    // Read from the signed assertion only: the bearer confirmation must name our ACS URL.
    const assertion = (await parse(assertionXml)).Assertion;
    const recipients = children(assertion, 'Subject')
      .flatMap((subject) => children(subject, 'SubjectConfirmation'))
      .flatMap((confirmation) => children(confirmation, 'SubjectConfirmationData'))
      .map((data) => data.$?.Recipient ?? '');
    if (recipients.length === 0 || recipients.some((recipient) => recipient !== this.settings.callbackUrl)) {
      throw new SamlRejection(`wrong or missing Recipient ${recipients.find((recipient) => recipient !== this.settings.callbackUrl) ?? ''}`.trim());
    }
    const email = (profile.nameID ?? '').trim().toLowerCase();
    if (!EMAIL.test(email)) throw new SamlRejection('the NameID is not an email address');
    const requestId = typeof profile.inResponseTo === 'string' ? profile.inResponseTo : '';
    if (!requestId || !(await this.requests.consume(requestId))) throw new SamlRejection('InResponseTo does not name an open request (replayed or unsolicited)');
    const attributes = (profile.attributes ?? {}) as Record<string, unknown>;
    const groups = strings(attributes[this.settings.roleAttribute]);
    const mapped = [...new Set(groups.map((group) => this.settings.roleMap[group]).filter((role): role is Role => role !== undefined && isRole(role)))];
    const name = strings(attributes.displayName ?? attributes.name ?? attributes.cn)[0] ?? email;
    return {
      email,
      name: name.slice(0, 200),
      roles: mapped.length > 0 ? mapped : ['user'],
      groups,
      issuer: profile.issuer,
      sessionIndex: profile.sessionIndex ?? null,
    };
  }

  /** SP metadata for the IdP: entity id, ACS URL, NameID format. */
  metadata(): string {
    return this.generateServiceProviderMetadata(null, null);
  }

  // Passport keeps strategies in a process-wide registry: leave it as it was.
  onModuleDestroy(): void {
    const registry = passport as unknown as { _strategy(name: string): unknown };
    if (registry._strategy(SAML_STRATEGY) === this) passport.unuse(SAML_STRATEGY);
  }
}

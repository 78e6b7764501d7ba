import forge from 'node-forge';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { parseStringPromise, processors } from 'xml2js';

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

/** What the SP asked for, read from the redirect it answered to /auth/saml/login. */
export interface AuthnRequestInfo {
  readonly id: string;
  readonly issuer: string;
  readonly acsUrl: string;
  readonly destination: string;
  readonly relayState: string | null;
}

export interface SamlResponseOptions {
  /** The NameID. */
  readonly email: string;
  /** The AuthnRequest answered; null for an unsolicited (IdP-initiated) response. */
  readonly inResponseTo: string | null;
  readonly attributes?: Readonly<Record<string, string | readonly string[]>>;
  /** Defaults to the SP's entity id the IdP was made for. */
  readonly audience?: string;
  /** Response@Destination; defaults to the SP's ACS URL; null leaves it out. */
  readonly destination?: string | null;
  /** SubjectConfirmationData@Recipient; defaults to the SP's ACS URL. */
  readonly recipient?: string;
  readonly issuedAt?: Date;
  readonly notBefore?: Date;
  readonly notOnOrAfter?: Date;
  /** Which element carries the signature. */
  readonly sign?: 'assertion' | 'response' | 'both' | 'none';
}

export interface ServiceProvider {
  /** Our SAML_ISSUER: the audience and the issuer of AuthnRequests. */
  readonly entityId: string;
  /** Our SAML_CALLBACK_URL: Destination and Recipient. */
  readonly acsUrl: string;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function samlId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}

interface KeyPair {
  readonly privateKey: string;
  readonly certificate: string;
}

/** An RSA key pair and a self-signed certificate for it, made now (nothing is checked in). */
function selfSignedPair(commonName: string): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  certificate.serialNumber = `01${randomBytes(8).toString('hex')}`;
  certificate.validity.notBefore = new Date(Date.now() - 60_000);
  certificate.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const subject = [{ name: 'commonName', value: commonName }];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.sign(forge.pki.privateKeyFromPem(privatePem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { privateKey: privatePem, certificate: forge.pki.certificateToPem(certificate) };
}

/**
 * A SAML 2.0 identity provider for tests: its own key pair and certificate, made at test time,
 * answering AuthnRequests with Responses signed by xml-crypto (enveloped RSA-SHA256, exclusive
 * c14n), as real IdPs do. Tests post them to the real ACS endpoint, and can break them on purpose.
 */
export class TestSamlIdp {
  readonly entryPoint = 'https://idp.example.test/sso';
  readonly entityId = 'https://idp.example.test/metadata';

  private constructor(
    private readonly keys: KeyPair,
    readonly sp: ServiceProvider,
  ) {}

  static create(sp: ServiceProvider, commonName = 'Secure MCP Test IdP'): TestSamlIdp {
    return new TestSamlIdp(selfSignedPair(commonName), sp);
  }

  /** Another IdP with its own key, trusted by nobody: for forged responses. */
  impostor(): TestSamlIdp {
    return TestSamlIdp.create(this.sp, 'Impostor IdP');
  }

  get certificate(): string {
    return this.keys.certificate;
  }

  /** SAML_* settings for a test app that trusts this IdP. */
  env(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    return { SAML_ENTRY_POINT: this.entryPoint, SAML_IDP_CERT: this.certificate, SAML_ISSUER: this.sp.entityId, SAML_CALLBACK_URL: this.sp.acsUrl, ...extra };
  }

  /** Reads the AuthnRequest out of the SP's redirect (HTTP-Redirect binding: deflated, base64). */
  async readAuthnRequest(location: string): Promise<AuthnRequestInfo> {
    const url = new URL(location);
    const encoded = url.searchParams.get('SAMLRequest');
    if (!encoded) throw new Error(`no SAMLRequest in ${location}`);
    const xml = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
    const parsed = (await parseStringPromise(xml, { tagNameProcessors: [processors.stripPrefix], explicitRoot: true })) as {
      AuthnRequest: { $: Record<string, string>; Issuer: Array<string | { _: string }> };
    };
    const request = parsed.AuthnRequest;
    const issuer = request.Issuer[0];
    return {
      id: request.$.ID,
      issuer: typeof issuer === 'string' ? issuer : issuer._,
      acsUrl: request.$.AssertionConsumerServiceURL,
      destination: request.$.Destination,
      relayState: url.searchParams.get('RelayState'),
    };
  }

  /** A Response XML for the SP, signed as asked (by default: the assertion). */
  responseXml(options: SamlResponseOptions): string {
    const now = options.issuedAt ?? new Date();
    const notBefore = options.notBefore ?? new Date(now.getTime() - 60_000);
    const notOnOrAfter = options.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
    const inResponseTo = options.inResponseTo === null ? '' : ` InResponseTo="${escapeXml(options.inResponseTo)}"`;
    const destination = options.destination === null ? '' : ` Destination="${escapeXml(options.destination ?? this.sp.acsUrl)}"`;
    const attributes = Object.entries(options.attributes ?? {})
      .map(([name, value]) => {
        const values = (typeof value === 'string' ? [value] : value).map((item) => `<saml:AttributeValue>${escapeXml(item)}</saml:AttributeValue>`).join('');
        return `<saml:Attribute Name="${escapeXml(name)}">${values}</saml:Attribute>`;
      })
      .join('');
    const assertion =
      `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${samlId()}" Version="2.0" IssueInstant="${now.toISOString()}">` +
      `<saml:Issuer>${escapeXml(this.entityId)}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="${EMAIL_FORMAT}">${escapeXml(options.email)}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
      `<saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter.toISOString()}" Recipient="${escapeXml(options.recipient ?? this.sp.acsUrl)}"${inResponseTo}/>` +
      `</saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${notBefore.toISOString()}" NotOnOrAfter="${notOnOrAfter.toISOString()}">` +
      `<saml:AudienceRestriction><saml:Audience>${escapeXml(options.audience ?? this.sp.entityId)}</saml:Audience></saml:AudienceRestriction>` +
      `</saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${samlId()}">` +
      `<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>` +
      `</saml:AuthnStatement>` +
      (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
      `</saml:Assertion>`;
    let xml =
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${samlId()}" Version="2.0" IssueInstant="${now.toISOString()}"${destination}${inResponseTo}>` +
      `<saml:Issuer>${escapeXml(this.entityId)}</saml:Issuer>` +
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
      assertion +
      `</samlp:Response>`;
    const sign = options.sign ?? 'assertion';
    if (sign === 'assertion' || sign === 'both') xml = this.signElement(xml, 'Assertion');
    if (sign === 'response' || sign === 'both') xml = this.signElement(xml, 'Response');
    return xml;
  }

  /** The form value the browser would post: base64 of the XML. */
  static encode(xml: string): string {
    return Buffer.from(xml, 'utf8').toString('base64');
  }

  /** `responseXml`, encoded for the form post. */
  response(options: SamlResponseOptions): string {
    return TestSamlIdp.encode(this.responseXml(options));
  }

  /**
   * Signature wrapping: a second, unsigned assertion for `email` next to the signed one (before it,
   * where a naive SP would read it first).
   */
  static withInjectedAssertion(signedXml: string, email: string): string {
    const start = signedXml.indexOf('<saml:Assertion ');
    const end = signedXml.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
    const signed = signedXml.slice(start, end);
    const forged = signed
      .replace(/<ds:Signature[\s\S]*?<\/ds:Signature>|<Signature[\s\S]*?<\/Signature>/, '')
      .replace(/ID="[^"]+"/, `ID="${samlId()}"`)
      .replace(/(<saml:NameID[^>]*>)[^<]*(<\/saml:NameID>)/, `$1${escapeXml(email)}$2`);
    return signedXml.slice(0, start) + forged + signedXml.slice(start);
  }

  private signElement(xml: string, element: 'Assertion' | 'Response'): string {
    const signature = new SignedXml({ privateKey: this.keys.privateKey, publicCert: this.keys.certificate, signatureAlgorithm: RSA_SHA256, canonicalizationAlgorithm: EXC_C14N });
    signature.addReference({ xpath: `//*[local-name(.)='${element}']`, digestAlgorithm: SHA256, transforms: [ENVELOPED, EXC_C14N] });
    // Where the schema puts it: right after the element's own Issuer.
    signature.computeSignature(xml, { location: { reference: `//*[local-name(.)='${element}']/*[local-name(.)='Issuer']`, action: 'after' } });
    return signature.getSignedXml();
  }
}

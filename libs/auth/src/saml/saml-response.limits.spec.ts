import { describe, expect, it } from 'vitest';
import { assertParsableSamlResponse, MAX_SAML_RESPONSE_BASE64, MAX_XML_DEPTH, MAX_XML_ELEMENTS, xmlShapeProblem } from './saml-response.limits';
import { SamlRejection } from './saml.strategy';

const nested = (depth: number) => `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`;
const base64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

const SIGNED_SHAPE =
  '<?xml version="1.0" encoding="UTF-8"?><!-- from the IdP -->' +
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r" Destination="https://sp/acs?a=1&amp;b=2">' +
  '<saml:Issuer>https://idp</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>' +
  '<saml:Assertion ID="_a"><ds:Signature><ds:SignedInfo><ds:Reference URI="#_a"><ds:Transforms>' +
  '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces PrefixList="xs"/></ds:Transform>' +
  '</ds:Transforms></ds:Reference></ds:SignedInfo></ds:Signature>' +
  '<saml:AttributeStatement><saml:Attribute Name="groups"><saml:AttributeValue><![CDATA[<not-an-element>]]></saml:AttributeValue></saml:Attribute></saml:AttributeStatement>' +
  '</saml:Assertion></samlp:Response>';

describe('xmlShapeProblem', () => {
  it('lets a real response shape through: declaration, comment, CDATA, self-closing tags', () => {
    expect(xmlShapeProblem(SIGNED_SHAPE)).toBeNull();
  });

  it('counts depth exactly: the limit passes, one more is refused', () => {
    expect(xmlShapeProblem(nested(MAX_XML_DEPTH))).toBeNull();
    expect(xmlShapeProblem(nested(MAX_XML_DEPTH + 1))).toBe(`the SAML response nests deeper than ${MAX_XML_DEPTH} elements`);
  });

  it('self-closing and closed siblings do not add depth, but count as elements', () => {
    expect(xmlShapeProblem(`<r>${'<a/>'.repeat(MAX_XML_ELEMENTS - 1)}</r>`)).toBeNull();
    expect(xmlShapeProblem(`<r>${'<a></a>'.repeat(MAX_XML_ELEMENTS)}</r>`)).toBe(`the SAML response has more than ${MAX_XML_ELEMENTS} elements`);
  });

  it('reads a ">" or "/>" inside a quoted attribute value as text', () => {
    expect(xmlShapeProblem(`${'<a b="x/>" c=\'>\'>'.repeat(MAX_XML_DEPTH)}${'</a>'.repeat(MAX_XML_DEPTH)}`)).toBeNull();
    expect(xmlShapeProblem('<a b="/">'.repeat(MAX_XML_DEPTH + 1))).toMatch(/nests deeper/);
  });

  it('refuses a DTD and unterminated markup', () => {
    expect(xmlShapeProblem('<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>')).toBe('the SAML response carries a DTD');
    expect(xmlShapeProblem('<r a="never closed>')).toBe('the SAML response has unterminated markup');
    expect(xmlShapeProblem('<r><!-- no end')).toBe('the SAML response has unterminated markup');
  });

  it('stops at the first limit: the auditor\'s 120,000-deep document is refused', () => {
    expect(xmlShapeProblem(`<samlp:Response>${nested(120_000)}</samlp:Response>`)).toMatch(/nests deeper/);
  });
});

describe('assertParsableSamlResponse', () => {
  it('refuses base64 over the cap before decoding it', () => {
    const oversized = 'A'.repeat(MAX_SAML_RESPONSE_BASE64 + 1);
    expect(() => assertParsableSamlResponse(oversized)).toThrow(new SamlRejection(`the SAMLResponse is larger than ${MAX_SAML_RESPONSE_BASE64} bytes`));
  });

  it('checks the decoded XML, and passes a real response and non-XML garbage on (node-saml refuses the latter)', () => {
    expect(() => assertParsableSamlResponse(base64(nested(MAX_XML_DEPTH + 1)))).toThrow(SamlRejection);
    expect(() => assertParsableSamlResponse(base64(SIGNED_SHAPE))).not.toThrow();
    expect(() => assertParsableSamlResponse('%%%not-base64%%%')).not.toThrow();
  });
});

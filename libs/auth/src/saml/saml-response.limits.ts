import { SamlRejection } from './saml.strategy';

/**
 * Real SAMLResponses are a few KB, tens of KB with many group attributes and an embedded
 * certificate. 256 KiB of base64 (192 KiB of XML) is ten times that, and keeps the work the XML
 * parser, XPath and c14n do on an unauthenticated request small.
 */
export const MAX_SAML_RESPONSE_BASE64 = 256 * 1024;
/** A response nests about ten deep (Response > Assertion > Signature > SignedInfo > Reference > Transforms > Transform > ...). */
export const MAX_XML_DEPTH = 32;
/** Some 50 elements plus one per attribute value: room for thousands of groups. */
export const MAX_XML_ELEMENTS = 5000;

const SLASH = 0x2f;
const GT = 0x3e;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
/** Markup that opens no element, with its end. `<!DOCTYPE` is not here: it is refused. */
const SKIPPED: ReadonlyArray<readonly [open: string, close: string]> = [
  ['<!--', '-->'],
  ['<![CDATA[', ']]>'],
  ['<?', '?>'],
];

/** Index just past the `>` closing the tag that opens at `start` (quoted values may hold `>`); -1 when unterminated. */
function tagEnd(xml: string, start: number): number {
  let quote = 0;
  for (let index = start + 1; index < xml.length; index++) {
    const code = xml.charCodeAt(index);
    if (quote !== 0) {
      if (code === quote) quote = 0;
    } else if (code === QUOTE || code === APOSTROPHE) quote = code;
    else if (code === GT) return index + 1;
  }
  return -1;
}

/**
 * Why `xml` is too big a job for the parser, or null. One pass over the text, no parser: it stops
 * at the first limit exceeded. Malformed XML it lets through is the parser's to refuse.
 */
export function xmlShapeProblem(xml: string): string | null {
  let depth = 0;
  let elements = 0;
  for (let at = xml.indexOf('<'); at !== -1; ) {
    const skipped = SKIPPED.find(([open]) => xml.startsWith(open, at));
    let next: number;
    if (skipped) {
      const close = xml.indexOf(skipped[1], at + skipped[0].length);
      next = close === -1 ? -1 : close + skipped[1].length;
    } else if (xml.startsWith('<!', at)) {
      return 'the SAML response carries a DTD';
    } else {
      next = tagEnd(xml, at);
      if (xml.charCodeAt(at + 1) === SLASH) depth--;
      else {
        if (++elements > MAX_XML_ELEMENTS) return `the SAML response has more than ${MAX_XML_ELEMENTS} elements`;
        // `<a/>` opens nothing; `next - 2` is the character before its `>`.
        if (next !== -1 && xml.charCodeAt(next - 2) !== SLASH && ++depth > MAX_XML_DEPTH) return `the SAML response nests deeper than ${MAX_XML_DEPTH} elements`;
      }
    }
    if (next === -1) return 'the SAML response has unterminated markup';
    at = xml.indexOf('<', next);
  }
  return null;
}

/** Refuses, before any XML parsing, a SAMLResponse too large or too deeply nested to parse cheaply. */
export function assertParsableSamlResponse(samlResponse: string): void {
  if (samlResponse.length > MAX_SAML_RESPONSE_BASE64) throw new SamlRejection(`the SAMLResponse is larger than ${MAX_SAML_RESPONSE_BASE64} bytes`);
  // Decoded as node-saml decodes it (HTTP-POST binding: plain base64, no deflate).
  const problem = xmlShapeProblem(Buffer.from(samlResponse, 'base64').toString('utf8'));
  if (problem) throw new SamlRejection(problem);
}

/**
 * Reading WordprocessingML (the w: namespace of a .docx) with @xmldom/xmldom. Its typings pull the browser's DOM
 * library into the whole program, so it is loaded untyped and described here by the little that is used.
 */
import { count, INGEST_LIMITS, PolicyLimitError } from './ingestLimits';

/** An XML node as @xmldom/xmldom gives it. */
export interface XmlNode {
  nodeType: number;
  localName: string;
  namespaceURI: string | null;
  textContent: string | null;
  firstChild: XmlNode | null;
  nextSibling: XmlNode | null;
  getAttributeNS(ns: string, name: string): string | null;
  getAttribute(name: string): string | null;
}

/** A parsed XML document. */
export interface XmlDocument {
  documentElement: XmlNode;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DOMParser } = require('@xmldom/xmldom') as { DOMParser: new (options?: { onError?: () => void }) => { parseFromString(xml: string, mime: string): XmlDocument } };

/**
 * Refuses a part with more elements than INGEST_LIMITS.xmlElements before the parser builds them (a start tag is a "<"
 * not followed by "/", "?" or "!"): the parser holds every element in memory, 500 to 650 bytes each.
 */
export function assertElementCount(xml: string, part: string): void {
  let elements = 0;
  for (let at = xml.indexOf('<'); at >= 0; at = xml.indexOf('<', at + 1)) {
    const next = xml[at + 1];
    if (next === '/' || next === '?' || next === '!') continue;
    if (++elements > INGEST_LIMITS.xmlElements) {
      throw new PolicyLimitError('xmlElements', `its ${part} holds more than ${count(INGEST_LIMITS.xmlElements)} XML elements (paragraphs, runs and their properties), more than a policy needs`);
    }
  }
}

/** Parses one part of the package. */
export function parseXml(xml: string): XmlDocument {
  return new DOMParser({ onError: () => undefined }).parseFromString(xml, 'text/xml');
}
const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** Child elements in the WordprocessingML namespace. */
export function children(node: XmlNode | null | undefined): XmlNode[] {
  const out: XmlNode[] = [];
  if (!node) return out;
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && c.namespaceURI === W) out.push(c);
  return out;
}

/** The first child element with this local name. */
export function first(node: XmlNode | null | undefined, localName: string): XmlNode | undefined {
  return children(node).find((c) => c.localName === localName);
}

/** A w: attribute's value. */
export function attr(node: XmlNode | undefined, localName: string): string | undefined {
  if (!node) return undefined;
  const v = node.getAttributeNS(W, localName) || node.getAttribute(`w:${localName}`);
  return v === null || v === '' ? undefined : v;
}

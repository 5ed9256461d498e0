/**
 * Reading WordprocessingML (the w: namespace of a .docx) with @xmldom/xmldom. Its typings pull the browser's DOM
 * library into the whole program, so it is loaded untyped and described here by the little that is used.
 */

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

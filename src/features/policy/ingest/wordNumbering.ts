import { attr, children, first, XmlDocument, XmlNode } from './wordXml';

/** One level of a Word list: how its number looks and where it starts. */
interface LevelDefinition {
  format: string;
  /** "%1.%2." style template; for bullets the bullet character. */
  text: string;
  start: number;
  /** The level whose increment restarts this one (Word's default: any shallower level). */
  restartAfter?: number;
}

/** A generated list label: "3.2", "(iv)", "a)", or a bullet. */
export interface ListLabel {
  text: string;
  bullet: boolean;
}

/** Numbering as Word applies it while the document is read from the top: counters, restarts and overrides. */
export interface DocumentNumbering {
  /** The label of the next paragraph numbered by list `numId` at level `ilvl`. */
  next(numId: string, ilvl: number): ListLabel | null;
}

/**
 * Reads word/numbering.xml: abstract definitions (format, template, start, restart) and the list instances
 * that use them, with level overrides (startOverride, or a whole replaced level). Lists that share an abstract
 * definition share counters, as in Word, unless the instance restarts a level with a start override.
 */
export function readNumbering(doc: XmlDocument | undefined): DocumentNumbering {
  const abstracts = new Map<string, Map<number, LevelDefinition>>();
  const instances = new Map<string, { abstractId: string; overrides: Map<number, { start?: number; level?: LevelDefinition }> }>();
  if (doc) {
    for (const el of children(doc.documentElement)) {
      if (el.localName === 'abstractNum') {
        const id = attr(el, 'abstractNumId');
        if (id !== undefined) abstracts.set(id, readLevels(el));
      } else if (el.localName === 'num') {
        const id = attr(el, 'numId');
        const abstractId = attr(first(el, 'abstractNumId'), 'val');
        if (id === undefined || abstractId === undefined) continue;
        const overrides = new Map<number, { start?: number; level?: LevelDefinition }>();
        for (const o of children(el).filter((c) => c.localName === 'lvlOverride')) {
          const ilvl = Number(attr(o, 'ilvl') ?? 0);
          const start = attr(first(o, 'startOverride'), 'val');
          const lvl = first(o, 'lvl');
          overrides.set(ilvl, { start: start !== undefined ? Number(start) : undefined, level: lvl ? readLevel(lvl) : undefined });
        }
        instances.set(id, { abstractId, overrides });
      }
    }
  }
  const counters = new Map<string, number[]>();
  const restarted = new Set<string>();
  return {
    next(numId, ilvl) {
      const instance = instances.get(numId);
      const levels = instance ? abstracts.get(instance.abstractId) : undefined;
      if (!instance || !levels) return null;
      const levelOf = (k: number): LevelDefinition | undefined => instance.overrides.get(k)?.level ?? levels.get(k);
      const def = levelOf(ilvl);
      if (!def) return null;
      if (def.format === 'bullet') return { text: def.text, bullet: true };
      const key = instance.abstractId;
      const counts = counters.get(key) ?? [];
      // A start override restarts the list the first time this instance is used (a fresh "1." list).
      for (const [k, o] of instance.overrides) {
        const mark = `${numId}:${k}`;
        if (o.start !== undefined && !restarted.has(mark) && k === ilvl) {
          restarted.add(mark);
          counts[k] = o.start - 1;
        }
      }
      for (let k = 0; k < ilvl; k++) if (counts[k] === undefined) counts[k] = (levelOf(k)?.start ?? 1);
      counts[ilvl] = counts[ilvl] === undefined ? def.start : counts[ilvl] + 1;
      // Deeper levels restart after this one (or after the level they name).
      for (let k = ilvl + 1; k < 9; k++) {
        const restartAfter = levelOf(k)?.restartAfter;
        if (restartAfter === undefined || restartAfter >= ilvl) counts[k] = undefined as unknown as number;
      }
      counters.set(key, counts);
      if (def.format === 'none') return null;
      const text = def.text.replace(/%([1-9])/g, (_m, d: string) => {
        const k = Number(d) - 1;
        const lvl = levelOf(k);
        return formatNumber(counts[k] ?? lvl?.start ?? 1, k === ilvl ? def.format : lvl?.format ?? 'decimal');
      }).trim();
      return text ? { text, bullet: false } : null;
    },
  };
}

function readLevels(abstractNum: XmlNode): Map<number, LevelDefinition> {
  const levels = new Map<number, LevelDefinition>();
  for (const lvl of children(abstractNum).filter((c) => c.localName === 'lvl')) levels.set(Number(attr(lvl, 'ilvl') ?? 0), readLevel(lvl));
  return levels;
}

function readLevel(lvl: XmlNode): LevelDefinition {
  const restart = attr(first(lvl, 'lvlRestart'), 'val');
  return {
    format: attr(first(lvl, 'numFmt'), 'val') ?? 'decimal',
    text: attr(first(lvl, 'lvlText'), 'val') ?? '',
    start: Number(attr(first(lvl, 'start'), 'val') ?? 1),
    // lvlRestart names a 1-based level; 0 means never restart.
    restartAfter: restart !== undefined ? (Number(restart) === 0 ? -1 : Number(restart) - 1) : undefined,
  };
}

/** A counter in one of Word's number formats. */
export function formatNumber(n: number, format: string): string {
  switch (format) {
    case 'lowerRoman': return roman(n).toLowerCase();
    case 'upperRoman': return roman(n);
    case 'lowerLetter': return letters(n).toLowerCase();
    case 'upperLetter': return letters(n);
    case 'decimalZero': return n < 10 ? `0${n}` : String(n);
    default: return String(n);
  }
}

function roman(n: number): string {
  const table: [number, string][] = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];
  let out = '';
  for (const [v, s] of table) while (n >= v) { out += s; n -= v; }
  return out;
}

function letters(n: number): string {
  // Word repeats the letter past z: a..z, aa..zz.
  const letter = String.fromCharCode(65 + ((n - 1) % 26));
  return letter.repeat(Math.floor((n - 1) / 26) + 1);
}

/**
 * Draws the two Teams app icons with pngjs so they can be regenerated exactly:
 *   - color.png: 192x192, a white shield with a tick on the school-blue accent colour (full bleed);
 *   - outline.png: 32x32, the same shield as a white outline on a transparent background.
 * Teams requires the outline icon to use only white and transparency. The PNGs are committed in
 * appPackage/; run `node dist/scripts/makeIcons.js` after a design change and commit the result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

/** The accent colour shared with the manifest's `accentColor`. */
export const ACCENT_COLOR = '#1F5F8B';

/** Icon sizes Teams requires. */
export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;

type Rgb = [number, number, number];
/** A shape in unit coordinates (0..1 across and down the icon). */
type Shape = (x: number, y: number) => boolean;

const SUPERSAMPLE = 4;

function hexToRgb(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** A shield: straight sides down to the middle, then curving in to a point at the bottom. */
function shield(inset: number): Shape {
  const top = 0.14 + inset;
  const shoulder = 0.52;
  const bottom = 0.9 - inset * 1.4;
  const halfWidth = 0.33 - inset;
  return (x, y) => {
    if (y < top || y > bottom) return false;
    const dx = Math.abs(x - 0.5);
    if (y <= shoulder) return dx <= halfWidth;
    const t = (y - shoulder) / (bottom - shoulder);
    return dx <= halfWidth * Math.sqrt(Math.max(0, 1 - t * t));
  };
}

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax;
  const vy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(px - (ax + t * vx), py - (ay + t * vy));
}

/** A tick drawn as two thick strokes. */
function tick(thickness: number): Shape {
  const a: [number, number] = [0.37, 0.5];
  const b: [number, number] = [0.47, 0.61];
  const c: [number, number] = [0.65, 0.38];
  return (x, y) =>
    distanceToSegment(x, y, a[0], a[1], b[0], b[1]) <= thickness / 2 ||
    distanceToSegment(x, y, b[0], b[1], c[0], c[1]) <= thickness / 2;
}

/** Fraction of the pixel's sub-samples inside the shape (anti-aliasing by supersampling). */
function coverage(shape: Shape, px: number, py: number, size: number): number {
  let inside = 0;
  for (let sy = 0; sy < SUPERSAMPLE; sy++) {
    for (let sx = 0; sx < SUPERSAMPLE; sx++) {
      const x = (px + (sx + 0.5) / SUPERSAMPLE) / size;
      const y = (py + (sy + 0.5) / SUPERSAMPLE) / size;
      if (shape(x, y)) inside++;
    }
  }
  return inside / (SUPERSAMPLE * SUPERSAMPLE);
}

function mix(a: number, b: number, t: number): number {
  return Math.round(a * (1 - t) + b * t);
}

/** Renders the 192x192 colour icon. */
export function renderColorIcon(): PNG {
  const size = COLOR_ICON_SIZE;
  const png = new PNG({ width: size, height: size });
  const accent = hexToRgb(ACCENT_COLOR);
  const outer = shield(0);
  const mark = tick(0.075);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inShield = coverage(outer, x, y, size);
      const inTick = coverage((u, v) => outer(u, v) && mark(u, v), x, y, size);
      const i = (y * size + x) * 4;
      for (let ch = 0; ch < 3; ch++) {
        const onShield = mix(accent[ch], 255, inShield);
        png.data[i + ch] = mix(onShield, accent[ch], inTick);
      }
      png.data[i + 3] = 255;
    }
  }
  return png;
}

/** Renders the 32x32 outline icon: white only, on transparency. */
export function renderOutlineIcon(): PNG {
  const size = OUTLINE_ICON_SIZE;
  const png = new PNG({ width: size, height: size });
  const outer = shield(0);
  const inner = shield(0.07);
  const mark = tick(0.09);
  const outline: Shape = (x, y) => (outer(x, y) && !inner(x, y)) || mark(x, y);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      png.data[i] = 255;
      png.data[i + 1] = 255;
      png.data[i + 2] = 255;
      png.data[i + 3] = Math.round(255 * coverage(outline, x, y, size));
    }
  }
  return png;
}

/** Encodes a PNG deterministically. */
export function encodePng(png: PNG): Buffer {
  return PNG.sync.write(png, { colorType: 6 });
}

/** Writes color.png and outline.png into the given folder; returns their paths. */
export function writeIcons(dir: string): { color: string; outline: string } {
  fs.mkdirSync(dir, { recursive: true });
  const color = path.join(dir, 'color.png');
  const outline = path.join(dir, 'outline.png');
  fs.writeFileSync(color, encodePng(renderColorIcon()));
  fs.writeFileSync(outline, encodePng(renderOutlineIcon()));
  return { color, outline };
}

/** Finds the repository root (the folder holding package.json and appPackage/) above cwd, else above this file. */
export function findRepoRoot(starts: string[] = [process.cwd(), __dirname]): string {
  for (const start of starts) {
    let dir = path.resolve(start);
    for (;;) {
      if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'appPackage'))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`No repository root (package.json + appPackage/) above ${starts.join(' or ')}`);
}

if (require.main === module) {
  const written = writeIcons(path.join(findRepoRoot(), 'appPackage'));
  console.log(`Wrote ${written.color} and ${written.outline}`);
}

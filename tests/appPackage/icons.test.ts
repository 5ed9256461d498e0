import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { ACCENT_COLOR, renderColorIcon, renderOutlineIcon } from '../../scripts/makeIcons';
import { checkIcon } from '../../scripts/packageApp';
import { ROOT } from './projectFiles';

const read = (name: string): Buffer => fs.readFileSync(path.join(ROOT, 'appPackage', name));

describe('app icons', () => {
  it('the colour icon is 192x192 and fully opaque', () => {
    const png = PNG.sync.read(read('color.png'));
    expect([png.width, png.height]).toEqual([192, 192]);
    for (let i = 3; i < png.data.length; i += 4) if (png.data[i] !== 255) throw new Error(`transparent pixel at ${(i - 3) / 4}`);
    expect(checkIcon('color.png', read('color.png'), 'color')).toEqual([]);
  });

  it('the outline icon is 32x32, white on a transparent background', () => {
    const png = PNG.sync.read(read('outline.png'));
    expect([png.width, png.height]).toEqual([32, 32]);
    expect(checkIcon('outline.png', read('outline.png'), 'outline')).toEqual([]);
  });

  it('the committed icons are exactly what scripts/makeIcons draws', () => {
    expect(PNG.sync.read(read('color.png')).data.equals(renderColorIcon().data)).toBe(true);
    expect(PNG.sync.read(read('outline.png')).data.equals(renderOutlineIcon().data)).toBe(true);
  });

  it('the manifest accent colour is the icon background', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'appPackage', 'manifest.json'), 'utf8')) as { accentColor: string };
    expect(manifest.accentColor).toBe(ACCENT_COLOR);
    const png = PNG.sync.read(read('color.png'));
    const corner = [png.data[0], png.data[1], png.data[2]].map((n) => n.toString(16).padStart(2, '0')).join('');
    expect(`#${corner}`.toUpperCase()).toBe(ACCENT_COLOR.toUpperCase());
  });

  it('when an icon has the wrong size or colours, then the package check names the problem', () => {
    const coloured = new PNG({ width: 32, height: 32 });
    coloured.data.fill(0);
    coloured.data[3] = 255; // one visible black pixel
    expect(checkIcon('outline.png', PNG.sync.write(coloured), 'outline')).toEqual([
      expect.stringContaining('non-white visible pixel'),
    ]);
    expect(checkIcon('color.png', PNG.sync.write(coloured), 'color')).toEqual([expect.stringContaining('Teams needs 192x192')]);
    expect(checkIcon('outline.png', Buffer.from('not a png'), 'outline')).toEqual(['outline.png is not a readable PNG']);
  });
});

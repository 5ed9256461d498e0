import { readBicep, readText } from './projectFiles';

/**
 * infra/azure.bicep and docs/deployment.md tell the same story about what the template creates: the health check App
 * Service runs, the storage redundancy each UK region offers, and which secrets provision requires.
 */
const bicep = readBicep();
const guide = readText('docs/deployment.md');

describe('infra/azure.bicep', () => {
  it('when App Service checks an instance, then it asks /healthz, the path the server answers', () => {
    expect(bicep.text).toMatch(/^\s*healthCheckPath: '\/healthz'$/m);
    expect(readText('src/teams/server.ts')).toContain("server.get('/healthz'");
  });

  it('when deployed to UK West, which offers no zone-redundant storage, then the storage account is not Standard_ZRS', () => {
    // Microsoft's list of regions with ZRS for standard general-purpose v2 accounts names UK South and not UK West.
    const regions = /var zoneRedundantStorageRegions = \[([\s\S]*?)\]/.exec(bicep.text)?.[1].match(/'([a-z0-9]+)'/g)?.map((r) => r.slice(1, -1)) ?? [];
    expect(regions).toContain('uksouth');
    expect(regions).not.toContain('ukwest');
    expect(bicep.text).not.toMatch(/sku: \{ name: 'Standard_ZRS' \}/);
    expect(bicep.text).toMatch(/sku: \{ name: storageSkuName \}/);
    expect(bicep.text).toMatch(/contains\(zoneRedundantStorageRegions, toLower\(location\)\) \? 'Standard_ZRS' : 'Standard_LRS'/);
    // The guide offers UK West, and says what it gets there.
    expect(guide).toMatch(/`ukwest`/);
    expect(guide).toMatch(/UK West[^.]*locally redundant|locally redundant[^.]*UK West/);
  });

  it('when a school provisions, then the export secret is required, as the guide says, at the length the app checks', () => {
    expect(bicep.params.get('ackExportSecret')).toEqual({ hasDefault: false, secure: true });
    expect(bicep.text).toMatch(/@minLength\(16\)\n@description\('Required: [^\n]*\nparam ackExportSecret string/);
    expect(readText('src/config/acknowledgementSettings.ts')).toContain("ACK_EXPORT_SECRET must be at least 16 characters");
    expect(guide).toMatch(/`SECRET_ACK_EXPORT_SECRET` seals[^\n]*\n[^\n]*It is \*\*required\*\* \(at least 16 characters\)/);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { openOnnxSentenceEncoder } from '../../../../src/adapters/onnxEncoder/onnxSentenceEncoder';
import { ENCODER_DIR } from '../../../../src/compose/disclosure';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { createPolicyLibrary } from '../../../../src/features/policy/policyLibrary';
import { passageText } from '../../../../src/features/policy/answer/learnedRanking';
import { DraftConcernId } from '../../../../src/features/policy/drafts/draftConcerns';
import { parseRuleReaderHeads, readPolicyRules } from '../../../../src/features/policy/drafts/ruleReader';
import { REPO_ROOT } from '../../../support/repoRoot';

/**
 * The shipped rule reader (models/encoder/heads.json, `rules`) in the product against training: fit_rules.py wrote, for
 * two corpus policies, the passage its readers pick for each concern (or none) from the vectors the product's adapter
 * gave. The product reads the same policies with its own parser, encoder and stack features and must pick the same,
 * so a feature read in another order, a different passage split or a threshold read the wrong way fails here.
 */
const heads = JSON.parse(fs.readFileSync(path.join(ENCODER_DIR, 'heads.json'), 'utf8')) as { rules: { probes: Record<string, Record<DraftConcernId, string | null>> } };

describe('the shipped rule reader', () => {
  it('when it reads the corpus policies training probed, then it picks the passage (or none) training picked for every concern', async () => {
    const encoder = await openOnnxSentenceEncoder(ENCODER_DIR);
    const reader = parseRuleReaderHeads(heads, encoder.dimensions);
    const probes = Object.entries(heads.rules.probes);
    expect(probes).toHaveLength(2);
    for (const [policy, picks] of probes) {
      const doc = parsePolicyText(fs.readFileSync(path.join(REPO_ROOT, 'research', 'corpus', 'policies', `${policy}.txt`), 'utf8'), `${policy}.txt`);
      const rules = await readPolicyRules(createPolicyLibrary([doc]).index, encoder, reader);
      const got = Object.fromEntries(Object.keys(picks).map((id) => {
        const p = rules.get(id as DraftConcernId);
        return [id, p ? passageText(p) : null];
      }));
      expect(got).toEqual(picks);
    }
  });
});

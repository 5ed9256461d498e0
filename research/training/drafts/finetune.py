"""Fine-tunes the pretrained sentence encoder to read draft posts for "check my post" (issue 53).

Model: all-MiniLM-L6-v2 (mean-pooled, as the product computes it) with one linear head giving a logit per concern
(multi-label binary cross-entropy, each concern's positives weighted so its two classes count equally). What the
person says of the post on the card (what a photo shows, which account, who sees it) is read as a short line before
the draft, written by `framed` exactly as src/features/policy/drafts/draftFrame.ts writes it, so the model can learn
that a photo of pupils on the school's account with consent noted is fine and the same photo from a personal
account is not.

Thresholds are set out of fold: the drafts are split in --folds folds by policy (a school's drafts are never both
trained and judged), a model is fine-tuned on the other folds and scores the held-out one, and each concern's
threshold is the highest logit at which --recall of its held-out positives are still found. The final model is then
fine-tuned on every draft with the same settings. Reads only research/corpus/drafts/written/*.jsonl: never an evaluation set.

Writes to --out: the fine-tuned encoder (a Hugging Face folder export_onnx.py reads), heads.json ({"drafts": {id:
{weights, bias, threshold}}}), record.json (settings, counts, out-of-fold figures, timing).

Usage: python3 research/training/drafts/finetune.py --base DIR --out DIR [--folds 3 | --only-fold K | --thresholds-from DIR]
"""
import argparse
import hashlib
import glob
import json
import os
import re
import sys
import time

import numpy as np
import torch
from transformers import AutoTokenizer

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'encoder'))
from finetuning import Classifier, on_device, set_seed, warmup_then_decay  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
CONCERNS = ['pupils-identified', 'pupil-images', 'contact', 'confidential', 'criticism', 'political', 'offensive',
            'speaking-as-school', 'commercial', 'copyright', 'location-timing']
MEDIA = {'pupils': 'a photo or video of pupils', 'colleagues': 'a photo or video of colleagues', 'none': 'no photo or video'}
ACCOUNT = {'personal': 'my personal account', 'school': 'the school account'}
AUDIENCE = {'public': 'public', 'friends': 'friends only', 'group': 'a closed group'}


def framed(row) -> str:
    """The text the model reads: the card's choices in a line, then the draft (draftFrame.ts writes the same)."""
    return f"[{MEDIA[row['media']]}; {ACCOUNT[row['account']]}; {AUDIENCE[row['audience']]}] {row['draft']}"


def read_drafts(pattern, changes=None):
    """The drafts, each with `where` (its file's name and line). With `changes` (a JSONL file of label changes, as
    research/corpus/drafts/audit/changes.jsonl: {"file", "line", "concern", "label"}), each named draft's concern is set to the
    change's label; a concern added this way has no written evidence (None), so with_sentences learns that draft whole."""
    rows = []
    for path in sorted(glob.glob(pattern)):
        for n, line in enumerate(open(path, encoding='utf8'), 1):
            if line.strip():
                rows.append({**json.loads(line), 'where': (os.path.basename(path), n)})
    if changes:
        at = {row['where']: row for row in rows}
        for line in open(changes, encoding='utf8'):
            if not line.strip():
                continue
            change = json.loads(line)
            row = at[(change['file'], change['line'])]
            if change['label'] and change['concern'] not in row['concerns']:
                row['concerns'] = row['concerns'] + [change['concern']]
                row['evidence'] = {**row['evidence'], change['concern']: None}
            elif not change['label'] and change['concern'] in row['concerns']:
                row['concerns'] = [c for c in row['concerns'] if c != change['concern']]
                row['evidence'] = {c: e for c, e in row['evidence'].items() if c != change['concern']}
            else:
                raise SystemExit(f'{changes}: {change} changes nothing (check_drafts.py checks the file)')
    return rows


SENTENCE = re.compile(r'\S.*?(?:[.!?]+(?=\s)|$)', re.S)


def sentence_spans(draft):
    """Where each sentence of a draft starts and ends (SENTENCE; blank pieces left out)."""
    return [(m.start(), m.end()) for m in SENTENCE.finditer(draft) if draft[m.start():m.end()].strip()]


def sentences_of(draft):
    """A draft's sentences where it has two or more (a one-sentence draft is read whole); else none."""
    spans = sentence_spans(draft)
    return [draft[a:z].strip() for a, z in spans] if len(spans) >= 2 else []


def with_sentences(rows):
    """--sentences (issue 53, tenth pass; the fifth pass's design S): each draft of two or more sentences is also learnt
    sentence by sentence, under the same card line. A sentence holds a concern where it overlaps the concern's written
    evidence, or where the card's choices raise it (evidence ''); it is a negative for every other concern, so a
    sentence on the same topic without the words that raise a concern is learnt as not raising it."""
    out = list(rows)
    for row in rows:
        draft = row['draft']
        pieces = sentence_spans(draft)
        if len(pieces) < 2 or None in row['evidence'].values():  # a concern added by an audit, its words not written
            continue
        for a, z in pieces:
            concerns = []
            for c in row['concerns']:
                evidence = row['evidence'].get(c, '')
                if not evidence:
                    concerns.append(c)
                    continue
                lo = draft.index(evidence)  # check_drafts.py: the evidence is the draft's own words
                if lo < z and a < lo + len(evidence):
                    concerns.append(c)
            out.append({**row, 'draft': draft[a:z].strip(), 'concerns': concerns})
    return out


def fit(args, texts, labels, tokenizer, hard=None, soft=None):
    """Fine-tunes the encoder and a head per concern on `texts` and their targets `labels`; `hard`, the drafts' own
    labels where `labels` also holds a teacher's targets, weighs each concern's positives. `soft`, a teacher's targets
    for the first len(soft) texts (the drafts), is mixed into their smoothed labels with weight 1 - alpha."""
    set_seed(args.seed)
    # The device machine's GPU with --device cuda (research/training/device/README.md); the CPU path is unchanged.
    device = torch.device(args.device)
    model = Classifier(args.base, args.dropout, len(CONCERNS)).to(device)
    # The head starts from random weights: it learns at its own, higher rate, or a few hundred steps leave it underfit.
    optimiser = torch.optim.AdamW([{'params': model.bert.parameters(), 'lr': args.lr},
                                   {'params': model.head.parameters(), 'lr': args.head_lr}], weight_decay=0.01)
    steps = args.epochs * ((len(texts) + args.batch - 1) // args.batch)
    schedule = warmup_then_decay(optimiser, steps)
    # Each concern's positives weighed by the drafts' own labels (a teacher's targets and its sentences do not move it).
    counted = labels if hard is None else hard
    pos = counted.sum(0).clamp(min=1)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=((len(counted) - pos) / pos).sqrt().to(device))
    generator = torch.Generator().manual_seed(args.seed)
    targets = labels * (1 - args.label_smoothing) + args.label_smoothing / 2
    if soft is not None:
        targets[:len(soft)] = args.alpha * targets[:len(soft)] + (1 - args.alpha) * soft
    first = 0
    if args.checkpoint and os.path.exists(args.checkpoint):
        # --checkpoint: carry on after the last whole epoch saved (a session's end stops a two-hour training on two cores).
        saved = torch.load(args.checkpoint, weights_only=False)
        if saved['settings'] != checkpoint_settings(args, texts):
            raise SystemExit(f'{args.checkpoint} was saved by a different training (settings or drafts differ): move it away to start again')
        model.load_state_dict(saved['model'])
        optimiser.load_state_dict(saved['optimiser'])
        schedule.load_state_dict(saved['schedule'])
        generator.set_state(saved['generator'])
        torch.set_rng_state(saved['rng'])
        first = saved['epoch']
        print(f'  carrying on from {args.checkpoint} after epoch {first}', flush=True)
    for epoch in range(first, args.epochs):
        model.train()
        perm = torch.randperm(len(texts), generator=generator).tolist()
        total = 0.0
        for s in range(0, len(perm), args.batch):
            idx = perm[s:s + args.batch]
            batch = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=args.max_len, return_tensors='pt')
            target = targets[idx].to(device)
            # --bf16: the forward and backward passes in bfloat16 where PyTorch's autocast allows (1.3 times as fast for
            # MPNet on these AVX512-BF16 cores), the weights and the optimiser's state in float32; held-out drafts are
            # scored in float32, as the product reads them.
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.bf16):
                logits = model(on_device(batch, device))
            loss = loss_fn(logits.float(), target)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(idx)
        print(f'  epoch {epoch + 1}: mean loss {total / len(texts):.4f}', flush=True)
        if args.checkpoint and epoch + 1 < args.epochs:
            # Written beside, then renamed: a training stopped while saving leaves the epoch before whole.
            torch.save({'settings': checkpoint_settings(args, texts), 'epoch': epoch + 1, 'model': model.state_dict(),
                        'optimiser': optimiser.state_dict(), 'schedule': schedule.state_dict(),
                        'generator': generator.get_state(), 'rng': torch.get_rng_state()}, args.checkpoint + '.part')
            os.replace(args.checkpoint + '.part', args.checkpoint)
    return model


def checkpoint_settings(args, texts):
    """What a checkpoint must share with the training that carries it on: every setting but where it writes and the
    checkpoint's own path, and the texts learnt (by their hash)."""
    settings = {k: v for k, v in vars(args).items() if k not in ('out', 'checkpoint', 'threads')}
    settings['texts'] = hashlib.sha256('\n'.join(texts).encode()).hexdigest()
    return settings


def folds_by_policy(rows, folds):
    """Each draft's fold: its policy's place in sorted order, modulo `folds` (a school's drafts are all in one fold)."""
    policies = sorted({r['policy'] for r in rows})
    return np.array([policies.index(r['policy']) % folds for r in rows])


def learnt(args, rows):
    """The texts and labels a model learns from: the drafts, and with --sentences their sentences too."""
    rows = with_sentences(rows) if args.sentences else rows
    return [framed(r) for r in rows], torch.tensor([[float(c in r['concerns']) for c in CONCERNS] for r in rows])


def transfer_rows(args, rows, fold_of_where, held_out=None):
    """--transfer (issue 53, eleventh pass): the sentences of the drafts learnt from, framed, with targets from the
    larger model's fold models (teacher_scores.py): sigmoid(logit / temperature), the logit the mean of the teachers
    given that learnt from the draft. The student of the fold that holds out `held_out` takes only that fold's teacher
    (one that never saw the held-out schools); the final model takes all three, each draft's sentences scored by the
    two that learnt from it."""
    if not args.transfer:
        return [], None
    teachers = {}
    for spec in args.transfer:
        fold, _, path = spec.partition('=')
        teachers[int(fold)] = {}
        for t in json.load(open(path)):
            teachers[int(fold)].setdefault(tuple(t['where']), []).append((t['text'], t['logits']))
    if held_out is not None:
        if held_out not in teachers:
            raise SystemExit(f'fold {held_out} learns from its own fold\'s teacher only, and --transfer has none for it')
        teachers = {held_out: teachers[held_out]}
    texts, logits = [], []
    for row in rows:
        mine = [teachers[k][row['where']] for k in teachers if k != fold_of_where[row['where']] and row['where'] in teachers[k]]
        for n, (text, _) in enumerate(mine[0] if mine else []):
            texts.append(text)
            logits.append(np.mean([m[n][1] for m in mine], axis=0))
    print(f'  and {len(texts)} sentences of them, scored by the teacher of fold(s) {sorted(teachers)}', flush=True)
    if not texts:
        return [], None
    return texts, torch.sigmoid(torch.tensor(np.array(logits), dtype=torch.float32) / args.temperature)


def draft_teacher_targets(args, rows, fold_of_where, held_out=None):
    """--draft-teacher (issue 53, twelfth pass): each draft learnt from gets, as its target, alpha * its own label + (1 -
    alpha) * sigmoid(the teachers' logit / temperature), from the larger model's fold models that learnt that draft
    (teacher_scores.py --drafts): the fold that holds out `held_out` takes only that fold's teacher (which never saw the
    held-out schools, and learnt every draft this fold learns from); the final model takes, for each draft, the mean of
    the two teachers that learnt it. Smoothing of the labels still applies to the label's part (fit)."""
    if not args.draft_teacher:
        return None
    teachers = {}
    for spec in args.draft_teacher:
        fold, _, path = spec.partition('=')
        teachers[int(fold)] = {tuple(t['where']): t['logits'] for t in json.load(open(path))}
    scored = len(next(iter(teachers.values())))
    if scored != len(fold_of_where):
        # The teachers' folds are folds_by_policy over the whole corpus: over other drafts (a --data subset for a smoke
        # run) the folds fall differently, and which teacher learnt which draft no longer holds.
        print(f'  warning: the teachers scored {scored} drafts and {len(fold_of_where)} are read: their folds are not these', flush=True)
    if held_out is not None:
        if held_out not in teachers:
            raise SystemExit(f'fold {held_out} learns from its own fold\'s teacher only, and --draft-teacher has none for it')
        teachers = {held_out: teachers[held_out]}
    logits = []
    for row in rows:
        mine = [teachers[k][row['where']] for k in teachers if k != fold_of_where[row['where']]]
        if not mine:
            raise SystemExit(f'no teacher learnt the draft {row["where"]}')
        logits.append(np.mean(mine, axis=0))
    soft = torch.sigmoid(torch.tensor(np.array(logits), dtype=torch.float32) / args.temperature)
    print(f'  targets: {args.alpha} of the label, {1 - args.alpha:.2f} of the teacher of fold(s) {sorted(teachers)}', flush=True)
    return soft


def unlabelled_rows(args, policy_fold, held_out=None):
    """--unlabelled (issue 53, thirteenth pass, design DT): drafts nobody labelled (research/corpus/drafts/unlabelled/), framed,
    each with the teachers' targets sigmoid(logit / temperature) from --unlabelled-teacher's files (teacher_scores.py
    --drafts --data on them). A draft belongs to its policy's fold, as a labelled draft does: the student of the fold
    that holds out `held_out` takes only the drafts of the policies it learns from, scored by that fold's teacher alone;
    the final model takes every one, scored by the two teachers that learnt its policy's labelled drafts."""
    if not args.unlabelled:
        return [], None
    if not args.unlabelled_teacher:
        raise SystemExit('--unlabelled needs --unlabelled-teacher K=FILE for each fold')
    teachers = {}
    for spec in args.unlabelled_teacher:
        fold, _, path = spec.partition('=')
        teachers[int(fold)] = {tuple(t['where']): t['logits'] for t in json.load(open(path))}
    texts, logits = [], []
    for row in read_drafts(args.unlabelled):
        if row['policy'] not in policy_fold:
            raise SystemExit(f'{row["where"]}: {row["policy"]} is not a policy of the labelled drafts, so it has no fold')
        own = policy_fold[row['policy']]
        if held_out is not None and own == held_out:
            continue
        mine = [teachers[k][row['where']] for k in ([held_out] if held_out is not None else teachers) if k != own]
        texts.append(framed(row))
        logits.append(np.mean(mine, axis=0))
    print(f'  and {len(texts)} unlabelled drafts, scored by the teacher of fold(s) {[held_out] if held_out is not None else sorted(teachers)}', flush=True)
    return texts, torch.sigmoid(torch.tensor(np.array(logits), dtype=torch.float32) / args.temperature)


def fit_with_transfer(args, rows, teacher_fold, tokenizer, held_out=None, policy_fold=None):
    """fit on the drafts learnt from and, with --transfer, their sentences with the teachers' targets (transfer_rows);
    with --draft-teacher, the drafts' own targets are part teacher (draft_teacher_targets); with --unlabelled, drafts
    nobody labelled with the teachers' targets alone (unlabelled_rows)."""
    texts, labels = learnt(args, rows)
    soft = draft_teacher_targets(args, rows, teacher_fold, held_out)
    more, more_targets = transfer_rows(args, rows, teacher_fold, held_out)
    extra, extra_targets = unlabelled_rows(args, policy_fold or {}, held_out)
    targets = torch.cat([labels] + ([more_targets] if more else []) + ([extra_targets] if extra else []))
    return fit(args, texts + more + extra, targets, tokenizer, labels, soft=soft)


def save_model(model, tokenizer, folder) -> None:
    """The fine-tuned encoder (a Hugging Face folder) and its heads' weights (head.pt), to score other texts later."""
    os.makedirs(folder, exist_ok=True)
    model.bert.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    torch.save(model.head.state_dict(), os.path.join(folder, 'head.pt'))


def score(model, tokenizer, texts, max_len):
    model.eval()
    device = next(model.parameters()).device
    out = np.zeros((len(texts), len(CONCERNS)))
    with torch.no_grad():
        for s in range(0, len(texts), 64):
            batch = tokenizer(texts[s:s + 64], padding=True, truncation=True, max_length=max_len, return_tensors='pt')
            out[s:s + 64] = model(on_device(batch, device)).float().cpu().numpy()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--base', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--data', default=os.path.join(ROOT, 'research', 'corpus', 'drafts', 'written', '*.jsonl'))
    parser.add_argument('--label-changes', help='a JSONL file of label changes to apply to the drafts (research/corpus/drafts/audit/changes.jsonl)')
    parser.add_argument('--folds', type=int, default=3, help='0 skips the out-of-fold thresholds (a trial run)')
    parser.add_argument('--only-fold', type=int, help='learn from the other folds and set the thresholds on this one alone (one '
                        'fine-tuning instead of --folds; for a CPU shared with other work), then stop without a final model')
    parser.add_argument('--thresholds-from', help='skip the folds: take the thresholds and figures from this folder\'s record.json '
                        '(a run with the same data and settings; the folds and the final model can then run side by side)')
    parser.add_argument('--recall', type=float, default=0.93)
    parser.add_argument('--epochs', type=int, default=6)
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--lr', type=float, default=5e-5)
    parser.add_argument('--head-lr', type=float, default=2e-3)
    parser.add_argument('--dropout', type=float, default=0.1)
    parser.add_argument('--max-len', type=int, default=128)
    parser.add_argument('--label-smoothing', type=float, default=0.05)
    parser.add_argument('--sentences', action='store_true', help='learn each draft of two or more sentences sentence by '
                        'sentence too (with_sentences); held-out drafts are still scored whole, as the product reads them')
    parser.add_argument('--save-fold-model', action='store_true', help='with --only-fold, keep the fold\'s model in OUT/model')
    parser.add_argument('--transfer', nargs='+', help='K=FILE ...: fold K\'s teacher_scores.py file; its sentences of the drafts '
                        'learnt from are learnt too, with the teacher\'s logits as targets')
    parser.add_argument('--temperature', type=float, default=1.0, help='with --transfer or --draft-teacher: the teacher\'s logits are divided by this')
    parser.add_argument('--draft-teacher', nargs='+', help='K=FILE ...: fold K\'s teacher_scores.py --drafts file; the drafts\' '
                        'targets are part label, part teacher (draft_teacher_targets)')
    parser.add_argument('--unlabelled', help='a JSONL glob of drafts nobody labelled (design DT): learnt with the teachers\' targets alone')
    parser.add_argument('--unlabelled-teacher', nargs='+', help='K=FILE ...: fold K\'s teacher_scores.py --drafts --data file of the --unlabelled drafts')
    parser.add_argument('--alpha', type=float, default=0.5, help='with --draft-teacher: the label\'s share of each draft\'s target')
    parser.add_argument('--bf16', action='store_true', help='train in bfloat16 autocast (research/DECISIONS.md, issue 53, eleventh pass)')
    parser.add_argument('--checkpoint', help='the final model only (--folds 0): a file saved after each epoch, and carried on from '
                        'when it exists, so a training stopped by a session\'s end loses at most one epoch')
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--device', default='cpu', help='cpu, or cuda on the device machine (then CUBLAS_WORKSPACE_CONFIG=:4096:8)')
    args = parser.parse_args()
    if args.checkpoint and (args.folds > 0 or args.only_fold is not None):
        parser.error('--checkpoint is for the final model alone (--folds 0): each fold would overwrite it')
    if args.draft_teacher and args.sentences:
        parser.error('--draft-teacher gives the drafts targets; with --sentences they would no longer line up')
    torch.set_num_threads(args.threads)
    started = time.time()
    rows = read_drafts(args.data, args.label_changes)
    texts = [framed(r) for r in rows]
    labels = torch.tensor([[float(c in r['concerns']) for c in CONCERNS] for r in rows])
    tokenizer = AutoTokenizer.from_pretrained(args.base)
    print(f'{len(rows)} drafts, {sum(1 for r in rows if not r["concerns"])} harmless', flush=True)
    thresholds, figures = [0.0] * len(CONCERNS), {}
    # The teachers are L's three folds by policy (teacher_scores.py): each draft's fold, and each policy's, among them.
    teachers_folds = folds_by_policy(rows, 3)
    teacher_fold = {r['where']: int(f) for r, f in zip(rows, teachers_folds)}
    policy_fold = {r['policy']: int(f) for r, f in zip(rows, teachers_folds)}
    if args.thresholds_from:
        earlier = json.load(open(os.path.join(args.thresholds_from, 'record.json')))
        figures = earlier['outOfFold']
        thresholds = [figures[c]['threshold'] for c in CONCERNS]
        print(f'thresholds from {args.thresholds_from}', flush=True)
    elif args.folds > 0:
        fold_of = folds_by_policy(rows, args.folds)
        oof = np.zeros((len(rows), len(CONCERNS)))
        for f in ([args.only_fold] if args.only_fold is not None else range(args.folds)):
            train, test = np.where(fold_of != f)[0], np.where(fold_of == f)[0]
            print(f'fold {f + 1}/{args.folds}: {len(train)} to learn from, {len(test)} held out ({time.time() - started:.0f}s)', flush=True)
            model = fit_with_transfer(args, [rows[i] for i in train], teacher_fold, tokenizer, held_out=f, policy_fold=policy_fold)
            oof[test] = score(model, tokenizer, [texts[i] for i in test], args.max_len)
            if args.only_fold is not None and args.save_fold_model:
                save_model(model, tokenizer, os.path.join(args.out, 'model'))
        y = labels.numpy().astype(bool)
        held = fold_of == args.only_fold if args.only_fold is not None else np.ones(len(rows), dtype=bool)
        # The held-out logits, for the thresholds choose_thresholds.py sets (train.sh), or other rules, without a new fine-tuning.
        os.makedirs(args.out, exist_ok=True)
        json.dump([{'policy': rows[i]['policy'], 'account': rows[i]['account'], 'concerns': rows[i]['concerns'], 'logits': [round(float(x), 5) for x in oof[i]]}
                   for i in np.where(held)[0]], open(os.path.join(args.out, 'held-out.json'), 'w'))
        if args.only_fold is not None:
            oof, y = oof[held], y[held]
            figures['heldOut'] = f'fold {args.only_fold + 1} of {args.folds} by policy: {int(held.sum())} drafts'
        for c, concern in enumerate(CONCERNS):
            pos = np.sort(oof[y[:, c], c])
            thresholds[c] = float(pos[int(np.floor((1 - args.recall) * len(pos)))]) if len(pos) else 0.0
            found = oof[:, c] >= thresholds[c]
            tp, fp = int((found & y[:, c]).sum()), int((found & ~y[:, c]).sum())
            figures[concern] = {'positives': int(y[:, c].sum()), 'recall': tp / max(1, int(y[:, c].sum())), 'precision': tp / max(1, tp + fp), 'threshold': thresholds[c]}
            print(f'{concern:20s} positives {int(y[:, c].sum()):4d}  out of fold: recall {figures[concern]["recall"]:.3f} precision {figures[concern]["precision"]:.3f}  threshold {thresholds[c]:+.3f}')
        found = oof >= np.array(thresholds)
        harmless = ~y.any(1)
        figures['harmlessToldFine'] = float((~found[harmless].any(1)).mean())
        figures['problemNotFine'] = float(found[~harmless].any(1).mean())
        print(f"harmless told fine {figures['harmlessToldFine']:.3f}; a draft with a problem not told fine {figures['problemNotFine']:.3f}", flush=True)
    if args.only_fold is not None:
        os.makedirs(args.out, exist_ok=True)
        json.dump({'settings': vars(args), 'drafts': len(rows), 'outOfFold': figures, 'seconds': round(time.time() - started)},
                  open(os.path.join(args.out, 'record.json'), 'w'), indent=2)
        print(f'wrote the thresholds to {args.out}/record.json in {time.time() - started:.0f}s')
        return
    print(f'final model on all {len(rows)} drafts ({time.time() - started:.0f}s)', flush=True)
    model = fit_with_transfer(args, rows, teacher_fold, tokenizer, policy_fold=policy_fold)
    os.makedirs(args.out, exist_ok=True)
    model.bert.save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)
    weights, bias = model.head.weight.detach().cpu().numpy(), model.head.bias.detach().cpu().numpy()
    heads = {c: {'weights': [round(float(w), 7) for w in weights[i]], 'bias': float(bias[i]), 'threshold': thresholds[i]} for i, c in enumerate(CONCERNS)}
    json.dump({'drafts': heads}, open(os.path.join(args.out, 'heads.json'), 'w'))
    json.dump({'design': 'the encoder fine-tuned with a linear head per concern, the card\'s choices read before the draft',
               'settings': vars(args), 'drafts': len(rows), 'outOfFold': figures, 'seconds': round(time.time() - started)},
              open(os.path.join(args.out, 'record.json'), 'w'), indent=2)
    print(f'wrote {args.out} in {time.time() - started:.0f}s')


if __name__ == '__main__':
    main()

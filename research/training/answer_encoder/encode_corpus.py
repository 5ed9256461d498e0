"""Stage 1 of the larger encoder's mix (issue 70): the encoder's unit vectors of the corpus's passages and questions.

Reads the corpus export (research/training/data/corpus.json, the product's own parser) and the ONNX graph the product
runs (research/training/encoder/export_onnx.py --int8 --float-ffn-output, rewritten by same_on_every_cpu.py) with the
model folder's tokenizer. Each passage is read as the product reads it, "heading : passage" (passageRerank.ts
encodedPassageText); each question as typed. Texts are read in batches of similar length (padding moves an int8 graph's
vectors a little; the mix learns from columns that are sums over a few of them, so screening tolerates it: the product
reads one text at a time). Writes corpus_passages.npy (corpus export order), corpus_questions.npy and corpus_qi.json (a
seeded sample of --questions corpus questions, their indexes into the export), eval_questions.npy (the evaluation sets'
questions, for screening only), and real_passages.npy with --real real.json.

Usage: python3 research/training/answer_encoder/encode_corpus.py --graph model.onnx --tokenizer DIR --data corpus.json --out DIR
"""
import argparse
import json
import os
import random
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--graph', required=True)
    ap.add_argument('--tokenizer', required=True, help='the model folder (tokenizer.json, tokenizer_config.json)')
    ap.add_argument('--data', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--questions', type=int, default=4000)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--threads', type=int, default=2)
    args = ap.parse_args()
    import onnxruntime as ort
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(args.tokenizer)
    o = ort.SessionOptions()
    o.intra_op_num_threads = args.threads
    o.inter_op_num_threads = 1
    session = ort.InferenceSession(args.graph, o, providers=['CPUExecutionProvider'])

    def encode(texts, bs=32):
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = [None] * len(texts)
        for k in range(0, len(order), bs):
            idx = order[k:k + bs]
            b = tok([texts[i] for i in idx], padding=True, truncation=True, max_length=128, return_tensors='np')
            v = session.run(None, {'input_ids': b['input_ids'].astype(np.int64), 'attention_mask': b['attention_mask'].astype(np.int64)})[0]
            for j, i in enumerate(idx):
                out[i] = v[j] / np.linalg.norm(v[j])
        return np.stack(out).astype(np.float32)

    os.makedirs(args.out, exist_ok=True)
    start = time.time()
    data = json.load(open(args.data, encoding='utf8'))
    passages = [f"{sec['headingText']} : {p['text']}" for pol in data['policies'] for sec in pol['sections'] for p in sec['passages']]
    np.save(os.path.join(args.out, 'corpus_passages.npy'), encode(passages))
    rng = random.Random(args.seed)
    qi = sorted(rng.sample(range(len(data['questions'])), min(args.questions, len(data['questions']))))
    json.dump(qi, open(os.path.join(args.out, 'corpus_qi.json'), 'w'))
    np.save(os.path.join(args.out, 'corpus_questions.npy'), encode([data['questions'][i]['q'] for i in qi]))
    print(f'{len(passages)} passages and {len(qi)} questions in {time.time() - start:.0f} s')


if __name__ == '__main__':
    main()

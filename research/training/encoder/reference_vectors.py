"""Writes the vectors PyTorch gives a few texts with a trained encoder folder, for the product's adapter test.

tests/adapters/onnxEncoder/onnxSentenceEncoder.model.test.ts checks that the shipped ONNX graph, run by onnxruntime-node
with the tokenizers library, gives the same token ids as the Python tokenizer and vectors within int8 rounding of
these (cosine >= 0.99).

Usage: python3 research/training/encoder/reference_vectors.py --model DIR --out tests/fixtures/encoder-reference.json
"""
import argparse
import json

import torch
from transformers import AutoModel, AutoTokenizer

TEXTS = [
    'Can I accept a friend request from a parent on Facebook?',
    "she said her dad locks her in her room when he's been drinking!!",
    'Café naïve résumé — “quotes” and emoji 😀 in it',
    'yr9 gurl in 8R sed her step-dad h1t her wiv a belt lol idk',
    '',
    'url https://example.com/a?b=c and email x@y.co.uk',
    '日本語のテキスト',
    'long ' * 200 + 'end',
]
# Pairs, as a cross-encoder reads them: a question and a heading with a passage; the last is cut in its second text.
PAIRS = [
    ('can i add a parent on fb', '5. Social contact with parents : Staff must not accept friend requests from parents.'),
    ('is it ok to share the summer fair post', '4 Use of the school account ' + 'and more words ' * 60),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--model', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--max-tokens', type=int, default=128)
    args = parser.parse_args()
    torch.set_num_threads(1)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModel.from_pretrained(args.model).eval()
    cases = []
    with torch.no_grad():
        for text in TEXTS:
            batch = tokenizer([text], truncation=True, max_length=args.max_tokens, return_tensors='pt')
            hidden = model(**batch).last_hidden_state
            mask = batch['attention_mask'].unsqueeze(-1).float()
            vector = ((hidden * mask).sum(1) / mask.sum(1))[0]
            cases.append({'text': text, 'ids': batch['input_ids'][0].tolist(), 'vector': [round(float(v), 6) for v in vector]})
        pairs = []
        for first, second in PAIRS:
            batch = tokenizer([first], [second], truncation='only_second', max_length=args.max_tokens, return_tensors='pt')
            hidden = model(**batch).last_hidden_state
            mask = batch['attention_mask'].unsqueeze(-1).float()
            vector = ((hidden * mask).sum(1) / mask.sum(1))[0]
            pairs.append({'first': first, 'second': second, 'ids': batch['input_ids'][0].tolist(), 'typeIds': batch['token_type_ids'][0].tolist(),
                          'vector': [round(float(v), 6) for v in vector]})
    json.dump({'model': args.model.rstrip('/').split('/')[-1], 'cases': cases, 'pairs': pairs}, open(args.out, 'w'))
    print(f'wrote {args.out}: {len(cases)} texts')


if __name__ == '__main__':
    main()

"""What the scripts that fine-tune the pretrained encoder share: the classifier, the seeding, the schedule, jsonl.

research/training/disclosure/finetune.py (one logit: a disclosure), research/training/drafts/finetune.py (a logit per concern) and the
re-ranker's research/training/rerank/cross_encoder.py (one logit: the passage answers), through disclosure/finetune.py, which
passes these on, use the same model and the same training loop's parts. They were written out in each; a change to
the pooling or the schedule now reaches every model alike, as the product's one ONNX path expects.
"""
import json
import random

import numpy as np
import torch
from transformers import AutoModel


class Classifier(torch.nn.Module):
    """The encoder, mean pooling over the mask (as the shipped ONNX graph pools), and a linear head: one logit per
    text when `outputs` is 1 (a [batch] tensor), else [batch, outputs]."""

    def __init__(self, base: str, dropout: float, outputs: int = 1):
        super().__init__()
        self.bert = AutoModel.from_pretrained(base)
        self.drop = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(self.bert.config.hidden_size, outputs)

    def pooled(self, batch):
        hidden = self.bert(**batch).last_hidden_state
        mask = batch['attention_mask'].unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    def forward(self, batch):
        logits = self.head(self.drop(self.pooled(batch)))
        return logits.squeeze(-1) if self.head.out_features == 1 else logits


def on_device(batch, device):
    """A tokenizer's batch on the model's device (the CPU, or the device machine's GPU with --device cuda)."""
    return {k: v.to(device) for k, v in batch.items()}


def set_seed(seed: int) -> None:
    """Deterministic for a seed on the CPU: Python's, NumPy's and PyTorch's generators, and PyTorch's deterministic
    algorithms."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


def warmup_then_decay(optimiser, steps: int):
    """The learning rate rises linearly over the first 6% of the steps, then falls linearly to zero at the last."""
    return torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, (s + 1) / max(1, int(0.06 * steps))) * max(0.0, (steps - s) / steps))


def read_jsonl(path):
    """Every non-blank line of a jsonl file, parsed."""
    with open(path, encoding='utf8') as f:
        return [json.loads(line) for line in f if line.strip()]

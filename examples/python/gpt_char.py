#!/usr/bin/env python3
"""Train a small character-level GPT on a text file, written as an ordinary PyTorch script.

Token + position embeddings, pre-norm transformer blocks (causal self-attention through
F.scaled_dot_product_attention(is_causal=True), MLP with GELU), the output layer tied to
the token embedding, AdamW with decay / no-decay parameter groups, linear warmup then
cosine decay (LambdaLR), gradient clipping, periodic checkpoints with --resume, and
temperature / top-k sampling at the end.

It prints the unigram entropy of the text (the loss of a model that only knows character
frequencies) next to the train / validation loss, so the gap shows what the model learnt
from context.

Data: --data, default /usr/share/common-licenses/GPL-3 (present on every Debian system:
base-files ships it). The last 10% of the text is the validation split.

Run from the repository root after building:
    PYTHONPATH=build/python /usr/bin/python3 examples/python/gpt_char.py [--max-steps 800]
"""
import argparse
import math
import os
import sys
import tempfile
import time
from collections import Counter

import deepseek as torch
import deepseek.nn as nn
import deepseek.nn.functional as F
from deepseek.utils.progress import progress

DEFAULT_DATA = "/usr/share/common-licenses/GPL-3"


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, dropout):
        super().__init__()
        assert n_embd % n_head == 0, "n_embd must be a multiple of n_head"
        self.n_head = n_head
        self.qkv = nn.Linear(n_embd, 3 * n_embd)
        self.proj = nn.Linear(n_embd, n_embd)
        self.resid_dropout = nn.Dropout(dropout)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        # [B, T, C] -> [B, heads, T, head_dim]
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        # No dropout on the attention probabilities (dropout_p=0): at this size it costs
        # more time than it buys; the residual dropout below regularises instead.
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.proj(y))


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(ln(x)), then x + mlp(ln(x))."""

    def __init__(self, n_embd, n_head, dropout):
        super().__init__()
        self.ln1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, dropout)
        self.ln2 = nn.LayerNorm(n_embd)
        self.mlp = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(),
                                 nn.Linear(4 * n_embd, n_embd), nn.Dropout(dropout))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size, n_layer, n_head, n_embd, dropout):
        super().__init__()
        self.block_size = block_size
        self.tok_emb = nn.Embedding(vocab_size, n_embd)
        self.pos_emb = nn.Embedding(block_size, n_embd)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(Block(n_embd, n_head, dropout) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.lm_head.weight = self.tok_emb.weight  # weight tying
        self.apply(self._init_weights)
        # Residual projections start smaller so the residual stream's variance does not
        # grow with depth (GPT-2's scheme).
        for name, p in self.named_parameters():
            if name.endswith("attn.proj.weight") or name.endswith("mlp.2.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))

    @staticmethod
    def _init_weights(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, idx, targets=None):
        B, T = idx.shape
        if T > self.block_size:
            raise ValueError(f"sequence of {T} tokens is longer than block_size {self.block_size}")
        pos = torch.arange(T)
        x = self.drop(self.tok_emb(idx) + self.pos_emb(pos))
        for block in self.blocks:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits.view(B * T, -1), targets.view(B * T))
        return logits, loss

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, temperature=1.0, top_k=None):
        """Extends idx [B, T] by max_new_tokens sampled tokens."""
        for _ in range(max_new_tokens):
            logits, _ = self(idx[:, -self.block_size:])
            logits = logits[:, -1, :] / temperature
            if top_k is not None:
                kth_largest = torch.topk(logits, min(top_k, logits.shape[-1])).values[:, [-1]]
                logits[logits < kth_largest] = -float("inf")
            probs = F.softmax(logits, dim=-1)
            idx = torch.cat([idx, torch.multinomial(probs, num_samples=1)], dim=1)
        return idx


def unigram_entropy(text):
    """Entropy (nats) of the character frequencies: the loss of the best context-free model."""
    counts = torch.tensor(list(Counter(text).values()), dtype=torch.float64)
    p = counts / counts.sum()
    return -(p * p.log()).sum().item()


def param_groups(model, weight_decay):
    """Weight decay on the weight matrices of Linear layers only: not on biases, norms or
    embeddings (the tied output layer shares the token embedding, so it is not decayed)."""
    embeddings = {id(m.weight) for m in model.modules() if isinstance(m, nn.Embedding)}
    decay, no_decay, seen = [], [], set()
    for module in model.modules():
        for name, p in module.named_parameters(recurse=False):
            if id(p) in seen:
                continue  # a tied parameter met again through its other module
            seen.add(id(p))
            is_linear_weight = isinstance(module, nn.Linear) and name == "weight"
            (decay if is_linear_weight and id(p) not in embeddings else no_decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay},
            {"params": no_decay, "weight_decay": 0.0}]


def warmup_cosine(warmup, total, min_ratio=0.1):
    """lr multiplier: linear warmup to 1, then cosine decay to min_ratio at `total`."""
    def multiplier(step):
        if step < warmup:
            return (step + 1) / warmup
        progress_ = min(1.0, (step - warmup) / max(1, total - warmup))
        return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress_))
    return multiplier


def get_batch(data, block_size, batch_size):
    starts = torch.randint(0, len(data) - block_size - 1, (batch_size,)).tolist()
    x = torch.stack([data[s:s + block_size] for s in starts])
    y = torch.stack([data[s + 1:s + 1 + block_size] for s in starts])
    return x, y


@torch.no_grad()
def estimate_loss(model, splits, args):
    model.eval()
    losses = {}
    for name, data in splits.items():
        total = 0.0
        for _ in range(args.eval_iters):
            _, loss = model(*get_batch(data, args.block_size, args.batch_size))
            total += loss.item()
        losses[name] = total / args.eval_iters
    model.train()
    return losses


def save_checkpoint(path, model, optimizer, scheduler, step, args, vocab):
    """Everything needed to continue: weights, optimizer moments, schedule position, the
    random state (batches and dropout masks continue as if uninterrupted), and what it
    takes to rebuild the model and decode its output."""
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(), "step": step,
                "rng_state": torch.get_rng_state(), "vocab": vocab,
                "config": {k: getattr(args, k) for k in MODEL_ARGS}}, path)


MODEL_ARGS = ("block_size", "n_layer", "n_head", "n_embd", "dropout")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=DEFAULT_DATA, help="a UTF-8 text file")
    parser.add_argument("--max-steps", type=int, default=800)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--block-size", type=int, default=64)
    parser.add_argument("--n-layer", type=int, default=3)
    parser.add_argument("--n-head", type=int, default=4)
    parser.add_argument("--n-embd", type=int, default=128)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--lr", type=float, default=3e-3, help="peak learning rate")
    parser.add_argument("--warmup", type=int, default=100, help="warmup steps")
    parser.add_argument("--lr-decay-steps", type=int, default=None,
                        help="length of the cosine decay (default: --max-steps)")
    parser.add_argument("--weight-decay", type=float, default=0.1)
    parser.add_argument("--grad-clip", type=float, default=1.0)
    parser.add_argument("--eval-interval", type=int, default=200)
    parser.add_argument("--eval-iters", type=int, default=10)
    parser.add_argument("--checkpoint",
                        default=os.path.join(tempfile.gettempdir(), "gpt_char.safetensors"),
                        help="checkpoint path (written every --checkpoint-interval steps "
                             "and at the end)")
    parser.add_argument("--checkpoint-interval", type=int, default=200)
    parser.add_argument("--resume", action="store_true",
                        help="continue from --checkpoint (model, optimizer, schedule, step)")
    parser.add_argument("--prompt", default="The ", help="text the sample starts from")
    parser.add_argument("--sample-chars", type=int, default=300)
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--top-k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def main():
    args = parse_args()
    with open(args.data, encoding="utf-8", errors="replace") as f:
        text = f.read()
    checkpoint = None
    if args.resume:
        checkpoint = torch.load(args.checkpoint)
        for key, value in checkpoint["config"].items():
            setattr(args, key, value)  # the model must be built as it was saved
        vocab = checkpoint["vocab"]
        text = "".join(c for c in text if c in vocab)
    else:
        vocab = "".join(sorted(set(text)))
    stoi = {c: i for i, c in enumerate(vocab)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.int64)
    split = int(0.9 * len(data))
    splits = {"train": data[:split], "val": data[split:]}
    if len(splits["val"]) <= args.block_size + 1:
        sys.exit(f"{args.data}: too short for block_size {args.block_size}")
    entropy = unigram_entropy(text[:split])
    print(f"data: {args.data}: {len(text):,} characters, vocabulary {len(vocab)}, "
          f"unigram entropy {entropy:.3f} nats/char")

    torch.manual_seed(args.seed)
    model = GPT(len(vocab), args.block_size, args.n_layer, args.n_head, args.n_embd,
                args.dropout)
    print(f"model: {args.n_layer} layers, {args.n_head} heads, width {args.n_embd}, context "
          f"{args.block_size}: {sum(p.numel() for p in model.parameters()):,} parameters")
    optimizer = torch.optim.AdamW(param_groups(model, args.weight_decay), lr=args.lr,
                                  betas=(0.9, 0.99))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, warmup_cosine(args.warmup, args.lr_decay_steps or args.max_steps))

    first_step = 0
    if checkpoint is not None:
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        scheduler.load_state_dict(checkpoint["scheduler"])
        first_step = checkpoint["step"]
        torch.set_rng_state(checkpoint["rng_state"])
        print(f"resumed from {args.checkpoint} at step {first_step}")

    start = time.perf_counter()
    tokens_per_step = args.batch_size * args.block_size
    model.train()
    bar = progress(range(first_step, args.max_steps), desc="train", unit="tok",
                   items=lambda _: tokens_per_step)
    for step in bar:
        x, y = get_batch(splits["train"], args.block_size, args.batch_size)
        _, loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), args.grad_clip)
        optimizer.step()
        scheduler.step()
        bar.set_postfix(loss=loss.item(), lr=scheduler.get_last_lr()[0])
        done = step + 1
        if done == first_step + 1:
            bar.write(f"step {done} loss {loss.item():.4f}")
        if done % args.eval_interval == 0 and done < args.max_steps:
            losses = estimate_loss(model, splits, args)
            bar.write(f"step {done}: train loss {losses['train']:.4f}  "
                      f"val loss {losses['val']:.4f}")
        if done % args.checkpoint_interval == 0:
            save_checkpoint(args.checkpoint, model, optimizer, scheduler, done, args, vocab)
    step = max(first_step, args.max_steps)
    save_checkpoint(args.checkpoint, model, optimizer, scheduler, step, args, vocab)
    seconds = time.perf_counter() - start

    losses = estimate_loss(model, splits, args)
    print(f"unigram entropy {entropy:.4f} nats/char")
    print(f"final train loss {losses['train']:.4f}  val loss {losses['val']:.4f} "
          f"(step {step}, {seconds:.1f} s, checkpoint {args.checkpoint})")

    model.eval()
    prompt = [stoi[c] for c in args.prompt if c in stoi] or [stoi[text[split]]]
    prompt = torch.tensor([prompt[-args.block_size:]])
    sample = model.generate(prompt, args.sample_chars, args.temperature, args.top_k)
    print("-" * 30 + " sample " + "-" * 30)
    print("".join(vocab[i] for i in sample[0].tolist()))
    print("-" * 68)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Train a small CNN on Fashion-MNIST, written as an ordinary PyTorch script.

Two Conv2d-BatchNorm-ReLU-MaxPool stages, Dropout and a Linear classifier; DataLoader over
the FashionMNIST dataset, CrossEntropyLoss, Adam with a per-step cosine learning-rate
decay. The code is what a PyTorch user would write, with `import deepseek as torch`.
Two epochs reach about 0.90 test accuracy in two to three minutes on two CPU cores; the
script fails if a full run ends below 0.89. `--save PATH` writes a checkpoint (model,
optimizer, epoch) with deepseek.save.

Data: Debian's fashion-mnist package (/usr/share/datasets/fashion-mnist). Without it (or
with --synthetic) a deterministic synthetic stand-in of the same shape is used, and the
script says so loudly.

Run from the repository root after building:
    PYTHONPATH=build/python /usr/bin/python3 examples/python/fmnist_cnn.py [--epochs 2]
"""
import argparse
import sys
import time

import deepseek as torch
import deepseek.nn as nn
from deepseek.utils.data import DataLoader
from deepseek.utils.progress import progress

import fmnist  # this folder's data, flags and evaluation shared with fmnist_mlp.py

# What a healthy run reaches after the default epochs; below it the script fails.
MIN_ACCURACY = {"fashion-mnist": 0.89, "synthetic": 0.90}


class Net(nn.Module):
    def __init__(self, width=32, dropout=0.25):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, width, kernel_size=3, padding=1, bias=False),  # BN adds the bias
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.MaxPool2d(2),                                             # 28 -> 14
            nn.Conv2d(width, 2 * width, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
            nn.MaxPool2d(2),                                             # 14 -> 7
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(dropout),
            nn.Linear(2 * width * 7 * 7, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    fmnist.add_arguments(parser)
    parser.add_argument("--lr", type=float, default=2e-3,
                        help="peak learning rate, decayed by a cosine schedule")
    parser.add_argument("--width", type=int, default=32,
                        help="channels of the first convolution (the second has twice as many)")
    parser.add_argument("--save", metavar="PATH", help="write a checkpoint here at the end")
    return parser.parse_args()


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    train_set, test_set, dataset_name = fmnist.datasets(args)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                              num_workers=args.num_workers)
    test_loader = DataLoader(test_set, batch_size=500, num_workers=args.num_workers)

    model = Net(args.width)
    print(model)
    print(f"parameters: {sum(p.numel() for p in model.parameters()):,}  "
          f"train {len(train_set)}  test {len(test_set)}")
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    total_steps = args.epochs * len(train_loader)
    if args.max_steps:
        total_steps = min(total_steps, args.max_steps)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_steps)

    step, start = 0, time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        running = None
        bar = progress(train_loader, desc=f"epoch {epoch}/{args.epochs}", unit="img")
        for images, labels in bar:
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            scheduler.step()
            step += 1
            running = loss.item() if running is None else 0.95 * running + 0.05 * loss.item()
            bar.set_postfix(loss=running)
            if step == 1 or step == args.max_steps:
                bar.write(f"step {step} loss {loss.item():.4f}")
            if args.max_steps and step >= args.max_steps:
                break
        accuracy = fmnist.evaluate(model, test_loader)
        print(f"epoch {epoch}: train loss {running:.4f}  test accuracy {accuracy:.4f}  "
              f"({time.perf_counter() - start:.1f} s)", flush=True)
        if args.max_steps and step >= args.max_steps:
            break
    seconds = time.perf_counter() - start

    if args.save:
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "epoch": epoch, "test_accuracy": accuracy}, args.save)
        print(f"checkpoint: {args.save}")
    print(f"final test accuracy ({dataset_name}): {accuracy:.4f} in {seconds:.1f} s "
          f"({step} steps, {step * args.batch_size / seconds:.0f} images/s)")
    # The bar is for full runs at the default length or longer.
    if args.max_steps is None and args.epochs >= 2 and accuracy < MIN_ACCURACY[dataset_name]:
        print(f"FAILED: expected at least {MIN_ACCURACY[dataset_name]:.2f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

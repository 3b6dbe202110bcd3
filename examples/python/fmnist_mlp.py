#!/usr/bin/env python3
"""Train an MLP classifier on Fashion-MNIST, written as an ordinary PyTorch script.

nn.Sequential model, DataLoader over the FashionMNIST dataset, CrossEntropyLoss, Adam (or
SGD with momentum) and a per-step cosine learning-rate decay: the code is what a PyTorch
user would write, with `import deepseek as torch`. Two epochs reach about 0.87 test accuracy.

Data: Debian's fashion-mnist package (/usr/share/datasets/fashion-mnist). Without it (or
with --synthetic) a deterministic synthetic stand-in of the same shape is used, and the
script says so loudly.

Run from the repository root after building:
    PYTHONPATH=build/python /usr/bin/python3 examples/python/fmnist_mlp.py [--epochs 2]
"""
import argparse
import sys
import time

import deepseek as torch
import deepseek.nn as nn
from deepseek.utils.data import DataLoader
from deepseek.utils.progress import progress

import fmnist  # this folder's data, flags and evaluation shared with fmnist_cnn.py

# What a healthy run reaches after the default epochs; below it the script fails.
MIN_ACCURACY = {"fashion-mnist": 0.85, "synthetic": 0.90}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    fmnist.add_arguments(parser)
    parser.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    parser.add_argument("--lr", type=float, default=None,
                        help="peak learning rate, decayed by a cosine schedule "
                        "(default 2e-3 for Adam, 0.05 for SGD)")
    parser.add_argument("--hidden", type=int, nargs="+", default=[512, 256])
    return parser.parse_args()


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    train_set, test_set, dataset_name = fmnist.datasets(args)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                              num_workers=args.num_workers)
    test_loader = DataLoader(test_set, batch_size=1000, num_workers=args.num_workers)

    layers, width = [nn.Flatten()], 28 * 28
    for hidden in args.hidden:
        layers += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    model = nn.Sequential(*layers, nn.Linear(width, 10))
    print(model)
    print(f"parameters: {sum(p.numel() for p in model.parameters()):,}  "
          f"train {len(train_set)}  test {len(test_set)}")

    criterion = nn.CrossEntropyLoss()
    if args.optimizer == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr or 2e-3)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr or 0.05, momentum=0.9)
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
    print(f"final test accuracy ({dataset_name}): {accuracy:.4f} in {seconds:.1f} s "
          f"({step} steps, {step * args.batch_size / seconds:.0f} images/s)")
    # The bar is for full runs at the default length or longer.
    if args.max_steps is None and args.epochs >= 2 and accuracy < MIN_ACCURACY[dataset_name]:
        print(f"FAILED: expected at least {MIN_ACCURACY[dataset_name]:.2f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

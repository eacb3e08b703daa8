"""Writes slow-echo/model.pt, the test model of the agent's lease and drain tests.

slow-echo takes an embedding of two numbers, [work, value]. It first does `work` rounds of a 64x64 matrix product
(about 30 microseconds each through DJL on a 2-core machine, so 100000 rounds take about three seconds; a batch runs
as many rounds as its largest `work`), then answers one concept, "echo", whose value is `value`. A test thus chooses
how long an item runs and knows its answer in advance.

Run with Debian's python3-torch: PYTHONHASHSEED=0 /usr/bin/python3 make_slow_model.py
"""
import os
import time

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


class SlowEcho(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = nn.Parameter(torch.eye(64) * 0.5 + 0.01, requires_grad=False)

    def forward(self, embeddings: torch.Tensor) -> torch.Tensor:
        rounds = int(embeddings[:, 0].max().item())
        acc = torch.ones(64, 64)
        for _ in range(rounds):
            acc = torch.tanh(acc.matmul(self.block))
        return embeddings[:, 1:2] + acc.sum() * 0.0


def main():
    scripted = torch.jit.script(SlowEcho().eval())
    scripted.save(os.path.join(HERE, "slow-echo", "model.pt"))
    loaded = torch.jit.load(os.path.join(HERE, "slow-echo", "model.pt"))
    for rounds in (0, 20000):
        started = time.monotonic()
        answer = loaded(torch.tensor([[float(rounds), 0.25]]))
        print(f"{rounds} rounds: {time.monotonic() - started:.3f} s, echo {answer.item():.2f}")


if __name__ == "__main__":
    main()

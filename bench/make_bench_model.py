#!/usr/bin/env python3
"""Writes the benchmark's model: an image classifier whose forward pass costs what real models cost, unlike the
tiny sample models. A 32x32 RGB image is flattened (3,072 numbers) through 3072->2048->2048->10 with ReLUs: about
10.5 M weights (42 MB), so one input's forward pass reads every weight once, and a batch reads them once for all
its inputs (which is where batching pays off). The weights are seeded random numbers: the answers mean nothing,
but they are the same on every run.

Run with Debian's PyTorch: /usr/bin/python3 bench/make_bench_model.py <folder>
"""
import json
import os
import sys

import torch
from torch import nn


class BenchMlp(nn.Module):
    def __init__(self):
        super().__init__()
        generator = torch.Generator().manual_seed(1234)
        def layer(inputs, outputs):
            return nn.Parameter(torch.randn(outputs, inputs, generator=generator) / inputs ** 0.5, requires_grad=False)
        self.w1 = layer(3 * 32 * 32, 2048)
        self.w2 = layer(2048, 2048)
        self.w3 = layer(2048, 10)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = images.flatten(1)
        x = torch.relu(x.matmul(self.w1.t()))
        x = torch.relu(x.matmul(self.w2.t()))
        return x.matmul(self.w3.t())


def main():
    folder = os.path.join(sys.argv[1], "bench-mlp")
    os.makedirs(folder, exist_ok=True)
    torch.jit.script(BenchMlp().eval()).save(os.path.join(folder, "model.pt"))
    model = {
        "id": "bench-mlp",
        "name": "Benchmark MLP",
        "modelTypeId": "visual-classifier",
        "outputInfo": {"data": {"concepts": [{"id": "c%d" % i} for i in range(10)]}},
        "modelVersion": {"id": "1"},
        # No maxBatchSize or delay: the benchmark sets them through the engine's defaults.
        "metadata": {"execution": {"input": "image", "output": "concepts", "imageSize": 32}},
    }
    with open(os.path.join(folder, "model.json"), "w") as out:
        json.dump(model, out, indent=1)


if __name__ == "__main__":
    main()

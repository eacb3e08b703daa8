#!/usr/bin/env python3
"""Writes the weights of the sample models, reproducibly, from hand-set parameters (no training, no downloads).

Run with Debian's PyTorch (`apt-get install python3-torch`, then `/usr/bin/python3 models/make_models.py` from the
repository root). It writes TorchScript files that DJL's PyTorch engine loads, into this folder and into the test
model folder (src/test/resources/models) for the two models the tests' node serves, and prints what the colour
classifier and the sentiment model answer for a few inputs, so the behaviour the tests assert can be checked by
hand:

- colour-classifier: the mean of each RGB channel, then logits 8 * (3 * mean - sum of means): the dominant
  channel wins (red, green or blue).
- image-embedder: the image pooled to 4x4 per channel (48 numbers), centred and scaled to length 1: images that
  look alike point the same way.
- colour-from-embedding: takes the image-embedder's 48 numbers (a workflow feeds them from the embedder node) and
  answers red, green or blue: logits 4 * the sum of each channel's 16 numbers, so the dominant channel wins, as in
  the colour classifier.
- text-embedder and text-sentiment: word ids from a small word-level tokenizer (tokenizer.json, written here too);
  the embedder averages one 8-number vector per word (words of one topic share a direction), the sentiment model
  adds +1 per positive word and -1 per negative word.
"""
import json
import os
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
TEST_MODELS = os.path.join(HERE, "..", "src", "test", "resources", "models")

# Word-level vocabulary: [PAD] and [UNK] first, then words by topic.
TOPICS = {
    "animals": ["cat", "cats", "dog", "dogs", "bird", "birds", "fish", "horse", "pet", "pets"],
    "colours": ["red", "green", "blue", "yellow", "colour", "color", "bright", "dark"],
    "food": ["pizza", "bread", "apple", "soup", "cheese", "eat", "dinner", "lunch"],
    "weather": ["rain", "sun", "snow", "wind", "cloud", "cold", "warm", "storm"],
}
POSITIVE = ["good", "great", "happy", "love", "nice", "excellent", "wonderful", "like"]
NEGATIVE = ["bad", "terrible", "sad", "hate", "awful", "poor", "horrible", "dislike"]
OTHER = ["the", "a", "is", "are", "i", "my", "and", "very", "this", "was", "in", "on"]


def vocabulary():
    words = ["[PAD]", "[UNK]"]
    for topic_words in TOPICS.values():
        words += topic_words
    words += POSITIVE + NEGATIVE + OTHER
    return {word: index for index, word in enumerate(words)}


def tokenizer_json(vocab):
    special = lambda content, index: {"id": index, "content": content, "single_word": False, "lstrip": False,
                                      "rstrip": False, "normalized": False, "special": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special("[PAD]", 0), special("[UNK]", 1)],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": None,
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "[UNK]"},
    }


class ColourClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(8.0 * (3.0 * torch.eye(3) - torch.ones(3, 3)), requires_grad=False)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return images.mean(dim=(2, 3)).matmul(self.weight.t())


class ImageEmbedder(nn.Module):
    def forward(self, images: torch.Tensor) -> torch.Tensor:
        pooled = torch.nn.functional.adaptive_avg_pool2d(images, (4, 4)).flatten(1)
        centred = pooled - pooled.mean(dim=1, keepdim=True)
        return centred / centred.norm(p=2, dim=1, keepdim=True).clamp(min=1e-6)


class ColourFromEmbedding(nn.Module):
    def __init__(self):
        super().__init__()
        weight = torch.zeros(3, 48)
        for channel in range(3):
            weight[channel, 16 * channel:16 * (channel + 1)] = 4.0  # the embedder's layout: 16 numbers per channel
        self.weight = nn.Parameter(weight, requires_grad=False)

    def forward(self, embeddings: torch.Tensor) -> torch.Tensor:
        return embeddings.matmul(self.weight.t())


class TextEmbedder(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        table = torch.zeros(len(vocab), 8)
        for direction, topic_words in enumerate(TOPICS.values()):
            for offset, word in enumerate(topic_words):
                table[vocab[word], direction] = 1.0
                table[vocab[word], 4 + offset % 4] = 0.25  # words of one topic differ a little
        for word in POSITIVE + NEGATIVE + OTHER + ["[UNK]"]:
            table[vocab[word], 4 + vocab[word] % 4] = 0.1
        self.table = nn.Parameter(table, requires_grad=False)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        mask = (ids != 0).float().unsqueeze(-1)
        summed = (self.table[ids] * mask).sum(dim=1)
        mean = summed / mask.sum(dim=1).clamp(min=1.0)
        return mean / mean.norm(p=2, dim=1, keepdim=True).clamp(min=1e-6)


class TextSentiment(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        scores = torch.zeros(len(vocab))
        for word in POSITIVE:
            scores[vocab[word]] = 1.0
        for word in NEGATIVE:
            scores[vocab[word]] = -1.0
        self.scores = nn.Parameter(scores, requires_grad=False)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        total = self.scores[ids].sum(dim=1, keepdim=True) * 2.0
        return torch.cat([total, -total], dim=1)  # logits of [positive, negative]


def save(module, folder, *extra_folders):
    scripted = torch.jit.script(module.eval())
    for target in (folder,) + extra_folders:
        os.makedirs(target, exist_ok=True)
        scripted.save(os.path.join(target, "model.pt"))


def write_tokenizer(vocab, *folders):
    for folder in folders:
        with open(os.path.join(folder, "tokenizer.json"), "w") as out:
            json.dump(tokenizer_json(vocab), out, indent=1, sort_keys=True)
            out.write("\n")


def main():
    if os.environ.get("PYTHONHASHSEED") != "0":
        # TorchScript writes some class constants in set order; a fixed hash seed makes the files byte-identical.
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    torch.manual_seed(0)
    vocab = vocabulary()
    save(ColourClassifier(), os.path.join(HERE, "colour-classifier"), os.path.join(TEST_MODELS, "colour-classifier"))
    save(ImageEmbedder(), os.path.join(HERE, "image-embedder"))
    save(ColourFromEmbedding(), os.path.join(HERE, "colour-from-embedding"))
    text_folders = [os.path.join(HERE, "text-embedder"), os.path.join(TEST_MODELS, "text-embedder")]
    save(TextEmbedder(vocab), *text_folders)
    write_tokenizer(vocab, *text_folders)
    sentiment = os.path.join(HERE, "text-sentiment")
    save(TextSentiment(vocab), sentiment)
    write_tokenizer(vocab, sentiment)

    colours = torch.tensor([[1.0, 0.0, 0.0], [0.1, 0.8, 0.2], [0.2, 0.3, 0.9]]).reshape(3, 3, 1, 1).expand(3, 3, 8, 8)
    print("colour-classifier softmax for red, green, blue images:",
          torch.softmax(ColourClassifier()(colours), dim=1).round(decimals=4).tolist())
    print("colour-from-embedding softmax for the same images, through the image embedder:",
          torch.softmax(ColourFromEmbedding()(ImageEmbedder()(colours)), dim=1).round(decimals=4).tolist())
    ids = torch.tensor([[vocab["i"], vocab["love"], vocab["my"], vocab["cat"]], [vocab["terrible"], vocab["rain"], 0, 0]])
    print("text-sentiment softmax for 'i love my cat', 'terrible rain':",
          torch.softmax(TextSentiment(vocab)(ids), dim=1).round(decimals=4).tolist())


if __name__ == "__main__":
    main()

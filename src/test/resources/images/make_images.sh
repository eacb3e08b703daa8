#!/usr/bin/env bash
# Writes the WebP test images (the JDK cannot write WebP). Needs Debian's `webp` package (cwebp) and Python 3.
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import struct, zlib
def png(path, rgb, size=24):
    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
                  + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
png("/tmp/blue.png", (20, 30, 240))
png("/tmp/green.png", (25, 210, 40))
PY
cwebp -quiet -lossless /tmp/blue.png -o blue-lossless.webp
cwebp -quiet -q 90 /tmp/green.png -o green-lossy.webp

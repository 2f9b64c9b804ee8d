#!/usr/bin/env python3
"""Writes field.png, the sample edition's RGB photo (issue 6: an RGB PNG placed in the sample
must come out CMYK within the ink limit). A deterministic, photograph-like landscape — sky
gradient, sun, three ridges of hills, terraced fields of medicinal herbs and a dark foreground —
drawn with the standard library only (zlib + struct), so anyone can regenerate the same bytes:

    python3 make_photo.py            # writes field.png next to this script

1030 × 628 px with pHYs 200 ppi: about 200 ppi in its frame on page A4 (checklist I01). The deep
shadows of the foreground separate to well over 240 % total ink before the ink limit, so the
sample exercises the limit.
"""
import math
import os
import struct
import zlib

W, H = 1030, 628


def clamp(v):
    return 0 if v < 0 else 255 if v > 255 else int(v + 0.5)


def mix(a, b, t):
    return tuple(a[i] + (b[i] - a[i]) * t for i in range(3))


def ridge(x, seed, base, amp):
    # Sum of a few sines: a hill line in pixel rows, deterministic per seed.
    return base - amp * (0.55 * math.sin(x / 97.0 + seed) + 0.3 * math.sin(x / 41.0 + 2.1 * seed)
                         + 0.15 * math.sin(x / 17.0 + 3.7 * seed))


def pixel(x, y):
    # Sky: deep blue at the top to a pale haze at the horizon; a warm sun disc with a glow.
    t = y / (H * 0.55)
    c = mix((40, 92, 170), (214, 226, 236), min(1.0, t))
    d = math.hypot(x - 770, y - 120)
    if d < 38:
        c = (255, 244, 205)
    elif d < 160:
        c = mix(c, (255, 226, 160), (1 - (d - 38) / 122) ** 2 * 0.8)
    # Three ridges, farther ones paler (aerial perspective).
    ridges = [
        (ridge(x, 0.3, 250, 40), (120, 140, 160), (150, 166, 180)),
        (ridge(x, 1.7, 300, 55), (66, 104, 88), (98, 130, 110)),
        (ridge(x, 2.9, 360, 45), (40, 86, 46), (70, 110, 60)),
    ]
    for top, near, far in ridges:
        if y >= top:
            c = mix(far, near, min(1.0, (y - top) / 60.0))
    # Terraced fields: alternating bands of herbs in rows, shading with the slope.
    fields_top = ridge(x, 4.2, 430, 18)
    if y >= fields_top:
        band = int((y - fields_top) / 22)
        row = 0.5 + 0.5 * math.sin(x / 6.0 + band * 1.3)
        green = (70 + 40 * row, 140 + 30 * row, 40 + 10 * row) if band % 2 == 0 else (150 + 30 * row, 150 + 20 * row, 60)
        c = mix(green, (90, 110, 50), min(1.0, (y - fields_top) / 200.0) * 0.5)
    # Dark foreground shadow under a tree line on the left: near-black greens and blues.
    shade_top = 520 - 70 * math.exp(-((x - 160) / 150.0) ** 2)
    if y >= shade_top:
        c = mix(c, (8, 16, 22), min(1.0, (y - shade_top) / 25.0))
    return c


def main():
    raw = bytearray()
    prev = bytes(3 * W)
    for y in range(H):
        row = bytearray()
        for x in range(W):
            for v in pixel(x, y):
                row.append(clamp(v))
        # Filter 2 (Up) on smooth rows compresses far better than no filter.
        raw.append(2)
        raw.extend((row[i] - prev[i]) & 0xFF for i in range(len(row)))
        prev = bytes(row)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ppm = round(200 / 0.0254)  # 200 ppi as pixels per metre
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))  # 8-bit RGB
    png += chunk(b"sRGB", b"\x00")  # perceptual; the writer converts from sRGB anyway
    png += chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
    png += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    png += chunk(b"IEND", b"")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "field.png")
    with open(out, "wb") as f:
        f.write(png)
    print(out, len(png), "bytes")


if __name__ == "__main__":
    main()

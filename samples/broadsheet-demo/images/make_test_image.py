#!/usr/bin/env python3
"""Writes the demo edition's test photos, 8-bit greyscale PNGs (greyscale goes to the black plate
only, so it is safe for any CMYK output condition). Pure standard library, no ImageMagick;
deterministic, so re-running it reproduces the committed files byte for byte.

pilot-plant.png (960 × 640): a sky gradient, a factory hall with a saw-tooth roof and a chimney, and
ploughed fields in perspective. drone-field.png (1440 × 960): wheat rows seen from above with a quadcopter.
Enough structure to check placement, cropping and text wrap on a proof.
"""
import struct
import zlib

W, H = 480, 320


def pixel(x, y):
    horizon = 190
    if y < horizon:
        v = 215 - (horizon - y) * 70 // horizon          # sky: lighter towards the horizon
        # saw-tooth roof hall between x = 90 and 330
        if 90 <= x < 330:
            tooth = (x - 90) % 40
            roof = 120 - (40 - tooth) // 2 if tooth < 30 else 120 - (tooth - 30) * 2
            if y >= roof:
                v = 95 if tooth < 30 else 60
                if y > 140 and (x - 90) % 24 < 12 and 150 < y < 175:
                    v = 170                                # windows
        if 350 <= x < 366 and y >= 60:
            v = 70                                         # chimney
        return v
    # fields: furrows converging to a vanishing point above the centre
    depth = y - horizon + 1
    u = (x - W // 2) * 40 // depth
    stripe = (u // 6) % 2
    return 120 + stripe * 30 + (y - horizon) // 4


def png(width, height, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def drone_pixel(x, y):
    v = 150 + 40 * (((x + y // 3) // 10) % 2) - y // 8   # diagonal wheat rows
    cx, cy = 300, 120                                       # quadcopter: body, arms, rotors
    if abs(x - cx) < 18 and abs(y - cy) < 12:
        return 40
    if abs((x - cx) - (y - cy)) < 3 and abs(x - cx) < 45 or abs((x - cx) + (y - cy)) < 3 and abs(x - cx) < 45:
        return 50
    for rx, ry in ((cx - 45, cy - 45), (cx + 45, cy - 45), (cx - 45, cy + 45), (cx + 45, cy + 45)):
        d = (x - rx) ** 2 + (y - ry) ** 2
        if d < 22 ** 2:
            return 90 if d > 19 ** 2 else 200
    if (x - cx - 20) ** 2 + (y - cy - 150) ** 2 < 40 ** 2:
        return v - 35                                       # its shadow on the field
    return v


def write(name, fn, scale=1):
    # fn draws in W × H coordinates; scale > 1 renders it at scale × the pixels (fractional
    # coordinates: finer edges, not enlarged pixels).
    w, h = W * scale, H * scale
    rows = [[max(0, min(255, int(fn(x / scale, y / scale)))) for x in range(w)] for y in range(h)]
    with open(name, "wb") as f:
        f.write(png(w, h, rows))


if __name__ == "__main__":
    # Contone images want 150–400 ppi where they are placed (checklist I01, I05: 200 ppi target).
    # The plant picture is placed 61.9 and 76.2 mm wide (394 and 320 ppi at 960 × 640 px), the
    # drone photo 219 mm wide (167 ppi at 1440 × 960 px).
    write("pilot-plant.png", pixel, scale=2)
    write("drone-field.png", drone_pixel, scale=3)

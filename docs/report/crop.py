#!/usr/bin/env python3
"""Crops regions out of a PNG (8-bit RGB/RGBA, not interlaced, as Chromium writes them) with the
standard library only, optionally halving them: crop.py IN OUTDIR NAME:X:Y:W:H ... [--half]. Cuts
the section screenshots of docs/report.md out of one full-page screenshot (make-screenshots)."""
import struct, sys, zlib

def read(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, color, _, _, interlace = struct.unpack('>IIBBBBB', body)
            assert depth == 8 and color in (2, 6) and interlace == 0, 'unsupported PNG'
            bpp = 3 if color == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows

def write(path, w, h, bpp, rows):
    def chunk(kind, body):
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff)
    raw = b''.join(b'\x00' + bytes(r) for r in rows)
    ihdr = struct.pack('>IIBBBBB', w, h, 8, 2 if bpp == 3 else 6, 0, 0, 0)
    open(path, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))

def half(rows, cw, ch, bpp):
    """Averages 2×2 blocks and drops the alpha channel (the pages are opaque)."""
    out = []
    for j in range(0, ch - 1, 2):
        a, b, line = rows[j], rows[j + 1], bytearray()
        for i in range(0, cw - 1, 2):
            for k in range(3):
                line.append((a[i * bpp + k] + a[(i + 1) * bpp + k] + b[i * bpp + k] + b[(i + 1) * bpp + k] + 2) // 4)
        out.append(line)
    return out

if __name__ == '__main__':
    # crop.py IN OUTDIR NAME:X:Y:W:H ... [--half]: one decode, many crops.
    src, outdir = sys.argv[1], sys.argv[2]
    w, h, bpp, rows = read(src)
    for spec in [a for a in sys.argv[3:] if not a.startswith('--')]:
        name, x, y, cw, ch = spec.split(':')
        x, y, cw, ch = int(x), int(y), int(cw), min(int(ch), h - int(y))
        part = [r[x * bpp:(x + cw) * bpp] for r in rows[y:y + ch]]
        if '--half' in sys.argv:
            write(outdir + '/' + name + '.png', cw // 2, ch // 2, 3, half(part, cw, ch, bpp))
        else:
            write(outdir + '/' + name + '.png', cw, ch, bpp, part)

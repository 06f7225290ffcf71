"""Draw the app icon and write resources/icons/app.png, app.ico (Windows), app.icns (macOS).

The icon is drawn with Qt (no Pillow needed): a page of text lines on a rounded square with two
lines carrying coloured entity highlights. The .ico and .icns containers are written by hand
with PNG entries, which both formats accept, so every size is crisp.

    python build/make_icons.py
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def draw(size: int) -> QImage:
    """The icon at ``size`` x ``size`` pixels, drawn on a 64-unit grid."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 64.0, size / 64.0)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#27345c"))
    p.drawRoundedRect(QRectF(2, 2, 60, 60), 13, 13)
    # Text lines: (y, [(x0, x1, colour or None)]) - coloured parts are entity highlights.
    rows = [
        (15, [(12, 52, None)]),
        (25, [(12, 22, None), (24, 44, "#f2b134"), (46, 52, None)]),
        (35, [(12, 36, None), (38, 52, None)]),
        (45, [(12, 30, "#3ec1b4"), (32, 52, None)]),
    ]
    for y, parts in rows:
        for x0, x1, colour in parts:
            if colour:
                p.setBrush(QColor(colour))
                p.drawRoundedRect(QRectF(x0 - 1.5, y - 4.5, x1 - x0 + 3, 9), 2.5, 2.5)
                p.setBrush(QColor("#1b2442"))
                p.drawRoundedRect(QRectF(x0 + 1, y - 1.5, x1 - x0 - 2, 3), 1.5, 1.5)
            else:
                p.setBrush(QColor("#dfe5f5"))
                p.drawRoundedRect(QRectF(x0, y - 1.5, x1 - x0, 3), 1.5, 1.5)
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def write_ico(path: Path, sizes: list[int]) -> None:
    """ICO with one PNG entry per size (Windows Vista and later read PNG entries)."""
    images = [png_bytes(draw(s)) for s in sizes]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in zip(sizes, images, strict=True):
        dim = 0 if size >= 256 else size  # 0 means 256 in the ICO directory
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    path.write_bytes(header + entries + blobs)


def write_icns(path: Path) -> None:
    """ICNS with PNG entries (macOS 10.7+)."""
    types = [
        (b"icp4", 16),
        (b"icp5", 32),
        (b"icp6", 64),
        (b"ic07", 128),
        (b"ic08", 256),
        (b"ic09", 512),
        (b"ic10", 1024),
    ]
    body = b""
    for kind, size in types:
        blob = png_bytes(draw(size))
        body += kind + struct.pack(">I", len(blob) + 8) + blob
    path.write_bytes(b"icns" + struct.pack(">I", len(body) + 8) + body)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    ICONS.mkdir(parents=True, exist_ok=True)
    (ICONS / "app.png").write_bytes(png_bytes(draw(256)))
    write_ico(ICONS / "app.ico", [16, 24, 32, 48, 64, 128, 256])
    write_icns(ICONS / "app.icns")
    for name in ("app.png", "app.ico", "app.icns"):
        print(f"{ICONS / name}: {(ICONS / name).stat().st_size} bytes")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())

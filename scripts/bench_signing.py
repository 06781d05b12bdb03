#!/usr/bin/env python
"""Benchmark (not a test): what the two signatures of an issued paper cost (issue #17), against rendering the
paper itself in the same run.

Usage:  .venv/bin/python scripts/bench_signing.py [--rounds 10]

A one-page notice-like PDF is rendered by WeasyPrint with the bundled font (the baseline); then, each repeated
`--rounds` times with a throw-away CA (signing/test_ca.py): the person's approval (PAdES B-B, visible stamp), the
organisation's signature with the seal over it, and reading and validating both as the signature page and the public
verification page do. Prints milliseconds per operation, the ratio to the render, and the file sizes.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HTML = """<html><head><style>@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: 'Liberation Serif'; font-size: 14pt; } .sign { margin-left: 55%; text-align: center; }
.space { height: 25mm; }</style></head><body>
<p style="text-align:center"><b>THÔNG BÁO</b><br><b>Kết quả đánh giá, xếp loại chất lượng năm 2026</b></p>
<p>Căn cứ kết quả đánh giá, xếp loại chất lượng năm 2026, Ủy ban nhân dân tỉnh Thử thông báo kết quả …</p>
<div class="sign"><b>TM. ỦY BAN NHÂN DÂN<br>CHỦ TỊCH</b><div class="space"></div><b>Chủ Tịch Thử</b></div>
</body></html>"""


def _timed(function: Callable[[], T], rounds: int) -> tuple[float, T]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    rounds = parser.parse_args().rounds
    folder = Path(tempfile.mkdtemp(prefix="bench-signing-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "evaluation_portal.settings.test"
    os.environ["SIGNING_TRUST_ROOTS"] = str(folder / "ca.pem")
    import django

    django.setup()
    import weasyprint
    from asn1crypto import keys, x509
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from signing import pdf
    from signing.test_ca import TestCA, demo_seal_png

    ca = TestCA()
    (folder / "ca.pem").write_bytes(ca.root.pem)
    root = x509.Certificate.load(ca.root.der)

    def signer(issued: Any) -> signers.SimpleSigner:
        return signers.SimpleSigner(
            signing_cert=x509.Certificate.load(issued.der),
            signing_key=keys.PrivateKeyInfo.load(issued.key_der()),
            cert_registry=SimpleCertificateStore.from_certs([root]),  # type: ignore[no-untyped-call]
        )

    chair, organisation = signer(ca.issue("Chủ Tịch Thử")), signer(ca.issue("UBND tỉnh Thử"))
    seal = demo_seal_png("UBND tỉnh\nThử")
    fonts = weasyprint.text.fonts.FontConfiguration()
    css = weasyprint.CSS(
        string=f"@font-face {{ font-family: 'Liberation Serif'; src: url('file://{pdf.FONT}'); }}"
    )
    weasyprint.HTML(string="<p>x</p>").write_pdf()  # warm up fontconfig and Pango

    render_ms, paper = _timed(
        lambda: weasyprint.HTML(string=HTML).write_pdf(stylesheets=[css], font_config=fonts), rounds
    )
    person, seal_place = pdf.stamp_places(paper, "Chủ Tịch Thử")

    def approve() -> bytes:
        return pdf.sign_pdf(
            paper,
            signer=chair,
            field_name="A",
            place=person,
            style=pdf.stamp_style(
                person, ["Người ký: Chủ Tịch Thử", "Thời gian ký: 2026-12-15T10:00:00+07:00"]
            ),
            signer_line="Chủ Tịch Thử",
            reason="Phê duyệt",
        )

    approve_ms, approved = _timed(approve, rounds)

    def seal_it() -> bytes:
        return pdf.sign_pdf(
            approved,
            signer=organisation,
            field_name="B",
            place=seal_place,
            style=pdf.stamp_style(seal_place, ["UBND tỉnh Thử", "2026-12-15T10:05:00+07:00"], seal=seal),
            signer_line="UBND tỉnh Thử",
            reason="Phát hành",
        )

    seal_ms, sealed = _timed(seal_it, rounds)
    read_ms, readings = _timed(lambda: pdf.read_signatures(sealed), rounds)
    assert [reading.ok for reading in readings] == [True, True]
    print(f"rounds: {rounds} (median)")
    print("| Operation | ms | × render | PDF after (KB) |")
    print("|---|---:|---:|---:|")
    for label, ms, size in (
        ("render the one-page paper (WeasyPrint; baseline)", render_ms, len(paper)),
        ("approval: PAdES B-B with the person's stamp", approve_ms, len(approved)),
        ("organisation: PAdES B-B with the seal", seal_ms, len(sealed)),
        ("read and validate both signatures", read_ms, len(sealed)),
    ):
        print(f"| {label} | {ms:.0f} | {ms / render_ms:.1f} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()

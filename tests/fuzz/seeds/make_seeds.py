#!/usr/bin/env python3
"""Writes the seed corpora (corpus/<target>/seed-*): realistic inputs the fuzzers start from.

Run from tests/fuzz: python3 seeds/make_seeds.py. Seeds are named by content hash, like
libFuzzer's own corpus entries, so re-running adds nothing twice.
"""
import hashlib
import json
import os
import urllib.parse

URLS = [
    "https://www.example.com/world/2026/11/flood-figures",
    "HTTPS://WWW.Example.COM:443/World/Story/?utm_source=x&b=2&a=1#top",
    "https://m.example.com/world/story/amp?amp=1",
    "https://amp.example.com/amp/world/story/amp.html?outputType=amp&id=7",
    "http://example.com./politics//budget///2026/?fbclid=abc&gclid=1&_ga=2",
    "www.example.com/world/story",
    "example.com",
    "www.example.com:8080/x?utm_campaign=a&UTM_Medium=b&q=flood+figures",
    "https://www.example.com/a/./b/../c/%7Euser/%2f%41%zz%",
    "https://www.example.com/%%34%31/x%2/a b/ü",
    "https://www.example.com/world/story?b=2&a=1&a=0&=x&k",
    "https://bücher.example/straße/über?q=ü",
    "https://xn--bcher-kva.example/x",
    "https://EVIL.test./fake-story",
    "https://www.example.com.evil.test/x",
    "https://user:pw@www.example.com/",
    "javascript:alert(1)",
    "ftp://example.com/file",
    "https://127.0.0.1:8443/x",
    "http://[::1]/amp",
    "https://0x7f.1/x",
    "https://www.example.com/amp",
    "https://www.example.com/ampere/world",
    "https://www.example.com/world/camp",
    "https://www.example.com\\world\\story",
    "https:www.example.com/x",
    "  https://www.example.com/x\t\n",
    "https://www.example.com/x?a=b+c&a=b%20c&a=b c",
    "https://www.example.com/x?q=%FF%FE&r=%E2%82%AC",
    "https://www.example.com/search?q=a;b&x=1#frag?y",
]

REPORT = {
    "article_url": "https://www.example.com/world/2026/11/flood-figures",
    "category": "false_claim",
    "passage": "More than 10,000 people were evacuated.",
    "explanation": "The regional authority's bulletin says 1,000 people were evacuated, not 10,000.",
    "evidence_urls": ["https://gov.example.org/bulletin/42"],
    "language": "en",
    "reporter_name": "Ana Reader",
    "reporter_email": "ana@example.org",
    "wants_outcome": True,
}


def variants():
    yield dict(REPORT)
    yield {k: REPORT[k] for k in ("article_url", "category", "explanation")}
    r = dict(REPORT, category="impersonation", article_url="https://examp1e-news.test/fake")
    yield r
    yield dict(REPORT, article_url="m.example.com/world/story/amp?utm_source=x", language="PT-br")
    yield dict(REPORT, evidence_urls=["", " gov.example.org/a ", "http://b.test/2", "https://c.test/3"])
    yield dict(REPORT, evidence_urls=[f"https://a.test/{i}" for i in range(6)])
    yield dict(REPORT, explanation="short", passage="p" * 30, reporter_email="not-an-email")
    yield dict(REPORT, explanation="  é\r\nline two\rthree\u0007 \t end  ", language="zh-hant")
    yield dict(REPORT, reporter_email=" reader+tag@sub.example.co.uk ", reporter_name=" Zoë ")
    yield dict(REPORT, wants_outcome=False, reporter_email=None, reporter_name=None, passage=None)
    yield dict(REPORT, category="manipulated_media", language="sr-Latn-RS")
    yield dict(REPORT, category="gossip", language="english!", article_url="ftp://x")


def write(target, data):
    folder = os.path.join("corpus", target)
    os.makedirs(folder, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def form(report):
    pairs = []
    for key, value in report.items():
        if value is None:
            continue
        if isinstance(value, list):
            pairs.extend((key, v) for v in value)
        elif isinstance(value, bool):
            if value:
                pairs.append((key, "true"))
        else:
            pairs.append((key, value))
    return urllib.parse.urlencode(pairs)


for url in URLS:
    write("canonical_url", url.encode())
for report in variants():
    write("json_intake", json.dumps(report, ensure_ascii=False).encode())
    write("form_intake", form(report).encode())
# Shapes the parsers must refuse or tolerate.
for body in [b"{}", b"[]", b"null", b'{"article_url": 1}', b'{"unknown": true}',
             b'{"evidence_urls": "https://a.test"}', b'{"wants_outcome": "yes"}',
             b'{"article_url": "https://www.example.com/x", "article_url": "y"}']:
    write("json_intake", body)
for body in [b"", b"a=1&b", b"wants_outcome=on", b"wants_outcome=true&wants_outcome=false",
             b"article_url=%ZZ&category=other", b"evidence_urls=a&evidence_urls=b&submit=Send",
             b"explanation=a+b%0D%0Ac&category=+other+"]:
    write("form_intake", body)

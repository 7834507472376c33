#!/usr/bin/env python3
"""Independent check of a BagIt ZIP or TAR, using only Python's standard
library (zipfile, tarfile, hashlib): one top-level folder, bagit.txt, every
payload file listed in every payload manifest with a matching digest, tag
manifests, Payload-Oxum. Prints OK or one line per problem; exit 1 on any.

With --verdict PATH..., it instead judges bags of any BagIt version from 0.93
to 1.0 (folders, ZIP, TAR, tar.gz) the way bagit-python documents it, plus
the Library of Congress conformance suite's stricter rules for bagit.txt, and
prints one line per bag: the path, a tab, 0 (valid), 1 (invalid) or 2
(cannot be read), a tab and the first reasons. Exit 0 when every bag could be
judged. It shares no code with vitrine: tag files are decoded with Python's
own codecs, paths normalized with posixpath.normpath, names compared in NFC."""
import codecs
import hashlib
import os
import posixpath
import sys
import tarfile
import unicodedata
import urllib.parse
import zipfile


def decode(p):
    return p.replace("%0A", "\n").replace("%0a", "\n").replace("%0D", "\r").replace("%0d", "\r").replace("%25", "%")


def read_all(path):
    files = {}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.is_dir():
                    continue
                files[info.filename] = z.read(info)
    else:
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.isfile():
                    files[m.name] = t.extractfile(m).read()
    return files


def main(path):
    problems = []
    files = read_all(path)
    tops = {n.split("/", 1)[0] for n in files}
    if len(tops) != 1:
        print("not one top-level folder:", sorted(tops))
        return 1
    top = tops.pop()
    bag = {n[len(top) + 1:]: d for n, d in files.items()}
    if bag.get("bagit.txt") != b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n":
        problems.append("bagit.txt is not the two BagIt 1.0 lines")
    payload = {n for n in bag if n.startswith("data/")}
    for prefix, names in (("manifest-", payload), ("tagmanifest-", None)):
        manifests = [n for n in bag if n.startswith(prefix) and n.endswith(".txt")]
        if prefix == "manifest-" and not manifests:
            problems.append("no payload manifest")
        for m in manifests:
            alg = m[len(prefix):-4]
            listed = set()
            for line in bag[m].decode("utf-8").split("\n"):
                if not line:
                    continue
                digest, p = line.split(None, 1)
                p = decode(p.lstrip())
                listed.add(p)
                if p not in bag:
                    problems.append("%s: missing (%s)" % (p, m))
                    continue
                if hashlib.new(alg, bag[p]).hexdigest() != digest:
                    problems.append("%s: %s mismatch" % (p, alg))
            if names is not None and listed != names:
                problems.append("%s lists %d files, the payload has %d" % (m, len(listed), len(names)))
    info = {}
    for line in bag.get("bag-info.txt", b"").decode("utf-8").split("\n"):
        if ":" in line and not line.startswith((" ", "\t")):
            k, v = line.split(":", 1)
            info[k.strip()] = v.strip()
    oxum = "%d.%d" % (sum(len(bag[p]) for p in payload), len(payload))
    if info.get("Payload-Oxum") != oxum:
        problems.append("Payload-Oxum %s, payload %s" % (info.get("Payload-Oxum"), oxum))
    for p in problems:
        print(p)
    if not problems:
        print("OK %s: %d payload files" % (top, len(payload)))
    return 1 if problems else 0


def read_any(path):
    """Returns ({path relative to the bag root: bytes}, whether there is a
    data/ folder) for a folder, ZIP or (compressed) TAR holding one
    top-level folder."""
    if os.path.isdir(path):
        files = {}
        for dirpath, _, names in os.walk(path):
            for n in names:
                full = os.path.join(dirpath, n)
                rel = os.path.relpath(full, path).replace(os.sep, "/")
                with open(full, "rb") as f:
                    files[rel] = f.read()
        return files, os.path.isdir(os.path.join(path, "data"))
    files, dirs = {}, set()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.is_dir():
                    dirs.add(info.filename.rstrip("/"))
                else:
                    files[info.filename] = z.read(info)
    else:
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.isdir():
                    dirs.add(m.name.rstrip("/"))
                elif m.isfile():
                    files[m.name] = t.extractfile(m).read()
    tops = {n.split("/", 1)[0] for n in list(files) + list(dirs)}
    if len(tops) != 1:
        raise ValueError("not one top-level folder")
    top = tops.pop()
    bag = {n[len(top) + 1:]: d for n, d in files.items()}
    has_data = top + "/data" in dirs or any(n.startswith("data/") for n in bag)
    return bag, has_data


def parse_tags(text, strict_labels):
    """Yields (label, value); raises ValueError on a malformed line."""
    label, value = None, None
    for line in text.splitlines():
        if not line.strip():
            continue
        if line[0] in " \t" and label is not None:
            value += " " + line.strip()
            continue
        if label is not None:
            yield label, value.strip()
        if ":" not in line:
            raise ValueError("malformed tag line %r" % line)
        label, value = line.split(":", 1)
        if strict_labels and label != label.strip():
            raise ValueError("white space before the colon in %r" % line)
        label = label.strip()
    if label is not None:
        yield label, value.strip()


def decode_text(data, encoding):
    text = data.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def unsafe(p):
    return (p.startswith("/") or p.startswith("~") or "\x00" in p or (len(p) > 1 and p[1] == ":")
            or posixpath.normpath(p).split("/")[0] == "..")


def verdict(path):
    try:
        bag, has_data = read_any(path)
    except Exception as e:  # unreadable archive
        return 2, ["cannot read: %s" % e]
    why = [] if has_data else ["no data directory"]
    if "bagit.txt" not in bag:
        return 1, ["no bagit.txt"]
    raw = bag["bagit.txt"]
    if raw.startswith(codecs.BOM_UTF8):
        why.append("bagit.txt has a byte-order mark")
    try:
        tags = dict(parse_tags(raw.decode("utf-8-sig"), True))
    except ValueError as e:
        return 1, why + ["bagit.txt: %s" % e]
    version, encoding = tags.get("BagIt-Version"), tags.get("Tag-File-Character-Encoding")
    if version is None or encoding is None:
        return 1, why + ["bagit.txt lacks a required line"]
    try:
        vinfo = tuple(int(x) for x in version.split(".", 1))
    except ValueError:
        return 1, why + ["version %r" % version]
    if not (0, 93) <= vinfo <= (1, 0):
        return 1, why + ["unsupported version %s" % version]
    try:
        codecs.lookup(encoding)
    except LookupError:
        return 1, why + ["unknown encoding %s" % encoding]
    texts = {}
    for name, data in bag.items():
        if "/" in name or not name.endswith(".txt") or name == "bagit.txt":
            continue
        try:
            texts[name] = decode_text(data, encoding)
        except UnicodeDecodeError:
            why.append("%s is not %s" % (name, encoding))
    info_name = "package-info.txt" if vinfo < (0, 96) else "bag-info.txt"
    info = {}
    if info_name in texts:
        try:
            for k, v in parse_tags(texts[info_name], False):
                info.setdefault(k, v)
        except ValueError as e:
            why.append("%s: %s" % (info_name, e))
    entries = {}  # normalized path -> {alg: digest}
    manifests = sorted(n for n in texts if n.startswith("manifest-") or n.startswith("tagmanifest-"))
    if not any(n.startswith("manifest-") for n in manifests):
        why.append("no payload manifest")
    payload_algs = []
    for m in manifests:
        alg = m.split("-", 1)[1][:-4]
        if alg not in hashlib.algorithms_available:
            continue
        if m.startswith("manifest-"):
            payload_algs.append(alg)
        for line in texts[m].splitlines():
            line = line.strip()
            if not line:
                continue
            parts = line.split(None, 1)
            if len(parts) != 2:
                why.append("%s: bad line %r" % (m, line))
                continue
            digest, p = parts[0].lower(), parts[1].lstrip("*")
            p = p.replace("%0D", "\r").replace("%0d", "\r").replace("%0A", "\n").replace("%0a", "\n").replace("%25", "%")
            if unsafe(p):
                why.append("%s: unsafe path %r" % (m, p))
                continue
            p = unicodedata.normalize("NFC", posixpath.normpath(p))
            sums = entries.setdefault(p, {})
            key = (m, alg)
            if key in sums:
                if sums[key] != digest or vinfo >= (1, 0):
                    why.append("%s lists %s twice" % (m, p))
                continue
            sums[key] = digest
    stored = {unicodedata.normalize("NFC", n): n for n in bag}
    payload = {n for n in stored if n.startswith("data/")}
    fetched = set()
    for line in texts.get("fetch.txt", "").splitlines():
        if not line.strip():
            continue
        parts = line.strip().split(None, 2)
        if len(parts) != 3:
            why.append("fetch.txt: bad line %r" % line)
            continue
        url, length, p = parts
        u = urllib.parse.urlparse(url)
        if not u.scheme or not (u.netloc or u.scheme == "file"):
            why.append("fetch.txt: bad URL %r" % url)
            continue
        if unsafe(p):
            why.append("fetch.txt: unsafe path %r" % p)
            continue
        p = unicodedata.normalize("NFC", posixpath.normpath(p))
        fetched.add(p)
        if p not in stored:
            why.append("fetch.txt: %s not fetched" % p)
        elif length != "-" and int(length) != len(bag[stored[p]]):
            why.append("fetch.txt: %s has the wrong length" % p)
    for p, sums in sorted(entries.items()):
        if p not in stored:
            if p not in fetched:
                why.append("%s missing" % p)
            continue
        for (m, alg), digest in sums.items():
            if hashlib.new(alg, bag[stored[p]]).hexdigest() != digest:
                why.append("%s: %s mismatch" % (p, alg))
    for p in sorted(payload):
        for alg in payload_algs:
            if ("manifest-%s.txt" % alg, alg) not in entries.get(p, {}):
                why.append("%s not in manifest-%s.txt" % (p, alg))
    oxum = info.get("Payload-Oxum")
    if oxum is not None:
        n = sum(len(bag[stored[p]]) for p in payload)
        if oxum != "%d.%d" % (n, len(payload)):
            why.append("Payload-Oxum %s, payload %d.%d" % (oxum, n, len(payload)))
    return (1 if why else 0), why


if __name__ == "__main__":
    if sys.argv[1] == "--verdict":
        for p in sys.argv[2:]:
            code, why = verdict(p)
            print("%s\t%d\t%s" % (p, code, "; ".join(why[:3])))
        sys.exit(0)
    sys.exit(main(sys.argv[1]))

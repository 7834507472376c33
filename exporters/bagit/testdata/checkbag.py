#!/usr/bin/env python3
"""Independent check of a BagIt ZIP or TAR, using only Python's standard
library (zipfile, tarfile, hashlib): one top-level folder, bagit.txt, every
payload file listed in every payload manifest with a matching digest, tag
manifests, Payload-Oxum. Prints OK or one line per problem; exit 1 on any."""
import hashlib
import sys
import tarfile
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

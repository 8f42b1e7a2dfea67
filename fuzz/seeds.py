#!/usr/bin/env python3
"""Writes the seed corpus of one fuzz target from the public fixtures (never committed).

    python3 fuzz/seeds.py TARGET OUT_DIR [--max-bytes N] [--reference DIR]

TARGET is one of: cyclonedx_json cyclonedx_xml spdx_json spdx_tag_value purl version osv.
Fixtures come from ../shared/reference/sbom-data beside the repository (or --reference) and from
src/advisory/testdata. Each seed is written once, named by the SHA-1 of its content, as libFuzzer
names its corpus files. Files larger than --max-bytes are left out: libFuzzer would cut them.
Used by scripts/fuzz.sh and by the replay tests (fuzz/CMakeLists.txt).
"""

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The OSV names of sg::version::Ecosystem in enum order (src/version/version.cpp, kEcosystems):
# version_fuzz.cpp picks the ecosystem by the index of its first byte.
ECOSYSTEMS = ["npm", "PyPI", "Maven", "Go", "crates.io", "RubyGems", "Packagist", "NuGet", "Pub",
              "Hackage", "CRAN", "Debian", "Alpine", "Red Hat", "AlmaLinux", "Rocky Linux",
              "Bitnami", "SemVer"]

# osv-scalibr's semantic/testdata file prefix -> the ecosystems whose seeds it gives.
SCALIBR_FILES = {
    "alpine": ["Alpine"], "cran": ["CRAN"], "debian": ["Debian"], "hackage": ["Hackage"],
    "maven": ["Maven"], "nuget": ["NuGet"], "packagist": ["Packagist"], "pub": ["Pub"],
    "pypi": ["PyPI"], "redhat": ["Red Hat", "AlmaLinux", "Rocky Linux"],
    "rubygems": ["RubyGems"], "semver": ["SemVer", "npm", "crates.io", "Go", "Bitnami"],
}

# Seeds per fixture family at most (taken evenly from the sorted list), to keep a run's corpus
# loading and the replay tests quick.
MAX_PER_FAMILY = 300


def files(base, patterns):
    found = set()
    for pattern in patterns:
        found.update(path for path in base.glob(pattern) if path.is_file())
    return sorted(found)


def spread(items, limit=MAX_PER_FAMILY):
    if len(items) <= limit:
        return list(items)
    step = len(items) / limit
    return [items[int(index * step)] for index in range(limit)]


def sbom_seeds(ref, extensions):
    bases = [ref / "cyclonedx-spec" / "tools" / "src" / "test" / "resources",
             ref / "cyclonedx-bom-examples", ref / "spdx", ref / "osv-scanner-sbom-fixtures"]
    for base in bases:
        for path in files(base, ["**/*"]):
            if any(path.name.endswith(extension) for extension in extensions):
                yield path.read_bytes()


def is_spdx(data):
    return b'"spdxVersion"' in data or b"SPDXVersion:" in data


def cyclonedx_json(ref):
    return (d for d in sbom_seeds(ref, [".json", ".cdxjson", ".json.foo.ext"]) if not is_spdx(d))


def cyclonedx_xml(ref):
    return (d for d in sbom_seeds(ref, [".xml"]) if b"cyclonedx" in d)


def spdx_json(ref):
    return (d for d in sbom_seeds(ref, [".json"]) if is_spdx(d))


def spdx_tag_value(ref):
    return sbom_seeds(ref, [".spdx", ".spdx.foo.ext"])


def osv_cases(path):
    """The record text of every case of src/advisory/testdata/osv_cases.txt."""
    record, in_record = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("case "):
            record, in_record = [], True
        elif in_record and line == "expect":
            yield "\n".join(record).encode()
            in_record = False
        elif in_record and line not in ("yaml", "strict"):
            record.append(line)


def osv(ref):
    testdata = ROOT / "src" / "advisory" / "testdata"
    for path in files(testdata / "osv_records", ["*.json"]):
        yield path.read_bytes()
    yield from osv_cases(testdata / "osv_cases.txt")
    for base, pattern in [("osv-r-advisory-database", "**/*.yaml"),
                          ("osv-schema/tools", "**/*.json"),
                          ("osv-golang-vulndb", "**/*.json"),
                          ("osv-rustsec", "**/*.json")]:
        for path in spread(files(ref / base, [pattern])):
            yield path.read_bytes()


def purl_components(fields):
    """A components seed of purl_fuzz.cpp: type, namespace, name, version, subpath, key=value."""
    def text(key):
        value = fields.get(key)
        return value if isinstance(value, str) else ""
    lines = [text("type"), text("namespace"), text("name"), text("version"), text("subpath")]
    qualifiers = fields.get("qualifiers")
    if isinstance(qualifiers, dict):
        lines += [f"{key}={value}" for key, value in sorted(qualifiers.items())]
    return "\n".join(lines).encode()


def purl(ref):
    base = ref / "purl-spec"
    for path in files(base / "tests", ["**/*.json"]):
        for test in json.loads(path.read_text(encoding="utf-8")).get("tests", []):
            for key in ("input", "expected_output"):
                value = test.get(key)
                if isinstance(value, str):
                    yield value.encode()
                elif isinstance(value, dict):
                    yield purl_components(value)
    for case in json.loads((base / "legacy-test-suite-data.json").read_text(encoding="utf-8")):
        for key in ("purl", "canonical_purl"):
            if isinstance(case.get(key), str):
                yield case[key].encode()
        yield purl_components(case)
    for path in files(base / "types", ["*.json"]):
        for example in json.loads(path.read_text(encoding="utf-8")).get("examples", []):
            if isinstance(example, str):
                yield example.encode()


def version_seed(ecosystem, versions):
    selector = bytes([ECOSYSTEMS.index(ecosystem)])
    return selector + "\n".join(versions).encode()


def version_pairs(path, pattern):
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(pattern, line.strip())
        if match and not line.startswith(("# ", "// ")):
            pairs.append((match.group(1), match.group(2)))
    return pairs


def version(ref):
    base = ref / "version-vectors"
    families = []  # (ecosystems, [(a, b)])
    scalibr = base / "osv-scalibr-semantic" / "semantic" / "testdata"
    for prefix, ecosystems in SCALIBR_FILES.items():
        pairs = version_pairs(scalibr / f"{prefix}-versions.txt", r"(\S+) [<=>] (\S+)")
        families.append((ecosystems, pairs))
    families.append((["Debian"], version_pairs(base / "debian-dpkg" / "dpkg-version-cmp.txt",
                                               r"(\S+) (\S+) -?[01]")))
    families.append((["Red Hat"], version_pairs(base / "rpm-rpmvercmp" / "rpmvercmp.txt",
                                                r"#?(?:ODD )?(\S+) (\S+) -?[01]")))
    npm = []
    for name in ("comparisons.json", "equality.json"):
        for case in json.loads((base / "npm-node-semver" / name).read_text(encoding="utf-8")):
            if len(case) >= 2 and isinstance(case[0], str) and isinstance(case[1], str):
                npm.append((case[0], case[1]))
    families.append((["npm"], npm))
    for ecosystems, pairs in families:
        pairs = spread(pairs)
        for index, (a, b) in enumerate(pairs):
            third = pairs[(index + 1) % len(pairs)][0]
            for ecosystem in ecosystems:
                if ecosystem == "Go":
                    yield version_seed(ecosystem, ["v" + a, "v" + b, "v" + third])
                else:
                    yield version_seed(ecosystem, [a, b, third])


TARGETS = {
    "cyclonedx_json": cyclonedx_json, "cyclonedx_xml": cyclonedx_xml, "spdx_json": spdx_json,
    "spdx_tag_value": spdx_tag_value, "purl": purl, "version": version, "osv": osv,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=sorted(TARGETS))
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--max-bytes", type=int, default=0, help="0: no limit")
    parser.add_argument("--reference", type=Path,
                        default=ROOT.parent / "shared" / "reference" / "sbom-data")
    args = parser.parse_args()
    if not args.reference.is_dir():
        sys.exit(f"seeds.py: no reference data at {args.reference}")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for data in TARGETS[args.target](args.reference):
        if args.max_bytes and len(data) > args.max_bytes:
            continue
        path = args.out_dir / hashlib.sha1(data).hexdigest()
        if not path.exists():
            path.write_bytes(data)
            written += 1
    if written == 0 and not any(args.out_dir.iterdir()):
        sys.exit(f"seeds.py: no seeds for {args.target}")
    print(f"{args.target}: {written} new seeds in {args.out_dir}")


if __name__ == "__main__":
    main()

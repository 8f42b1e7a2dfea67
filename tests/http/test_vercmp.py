"""`supplyguard vercmp --ecosystem ECO`: one answer per input line, through the real binary."""

from __future__ import annotations

import pytest

from sg_http import run_cli

# (ecosystem, "A B" lines, expected answers): a few orderings that only the ecosystem's own
# rules get right, and versions the ecosystem rejects.
CASES = [
    ("npm", ["1.0.0-alpha 1.0.0", "1.0.0-alpha.10 1.0.0-alpha.9", "v1.2.3 1.2.3"], ["<", ">", "="]),
    ("SemVer", ["1.0.0+build.1 1.0.0", "1.0.0-rc.1 1.0.0-beta.11", "1.2 1.2.3"],
     ["=", ">", "error"]),
    ("PyPI", ["1.0.dev0 1.0a1", "1.0.post1 1.0", "1!0.1 2.0", "1.0-1 1.0.post1", "foo 1.0"],
     ["<", ">", ">", "=", "error"]),
    ("Maven", ["1.0-alpha-1 1.0", "1.0-SNAPSHOT 1.0", "1.0-sp 1.0", "1.0.0 1"],
     ["<", "<", ">", "="]),
    ("Go", ["v1.2.3 1.2.3", "v0.0.0-20210101000000-abcdefabcdef v0.0.1",
            "v2.0.0+incompatible v1.9.9"], ["=", "<", ">"]),
    ("crates.io", ["0.9.0 0.10.0", "1.0.0-alpha 1.0.0"], ["<", "<"]),
    ("RubyGems", ["1.0.a 1.0", "1.0.0 1", "1.10 1.9"], ["<", "=", ">"]),
    ("Packagist", ["1.0.0-dev 1.0.0-alpha", "1.0.0-RC1 1.0.0", "v1.0.0 1.0.0"], ["<", "<", "="]),
    ("NuGet", ["1.0.0-Beta 1.0.0-beta", "1.0 1.0.0.0", "1.0.0-alpha 1.0.0"], ["=", "=", "<"]),
    ("Pub", ["1.0.0-dev 1.0.0", "1.10.0 1.9.0"], ["<", ">"]),
    ("Hackage", ["1.0 1.0.0", "1.10 1.9"], ["<", ">"]),
    ("CRAN", ["1.0-1 1.0.1", "1.10 1.9", "0.2-10 0.2-9"], ["=", ">", ">"]),
    ("Debian", ["1.0~rc1 1.0", "1:0.9 2.0", "1.0-1 1.0-1+b1", "1.0a 1.0+"],
     ["<", ">", "<", "<"]),  # dpkg: letters sort before other characters
    ("Alpine", ["1.0_rc1 1.0", "1.0-r1 1.0-r0", "1.0_p1 1.0"], ["<", ">", ">"]),
    ("Red Hat", ["1:1.0-1.el8 2.0-1.el8", "1.0~rc1-1 1.0-1", "1.0a-1 1.0-1"], [">", "<", ">"]),
    ("AlmaLinux", ["4.4.20-4.el8 4.4.19-12.el8"], [">"]),
    ("Rocky Linux", ["0:1.2-3 1.2-3"], ["="]),
    ("Bitnami", ["1.2.3-4 1.2.3-10", "1.2.3 1.2.4"], ["<", "<"]),
]


@pytest.mark.parametrize("ecosystem,lines,expected", CASES, ids=[case[0] for case in CASES])
def test_vercmp_orders_versions_as_the_ecosystem_does(ecosystem, lines, expected):
    done = run_cli("vercmp", "--ecosystem", ecosystem, stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    answers = done.stdout.splitlines()
    assert len(answers) == len(lines)
    for line, answer, want in zip(lines, answers, expected):
        if want == "error":
            assert answer.startswith("error"), (line, answer)
        else:
            assert answer == want, (ecosystem, line, answer)


def test_vercmp_answers_a_malformed_line_with_an_error_and_goes_on():
    done = run_cli("vercmp", "--ecosystem", "npm", stdin="1.0.0\n1.0.0 2.0.0 3.0.0\n1.0.0 2.0.0\n")
    assert done.returncode == 0
    answers = done.stdout.splitlines()
    assert answers[0].startswith("error") and answers[1].startswith("error")
    assert answers[2] == "<"


def test_vercmp_refuses_an_unknown_ecosystem():
    done = run_cli("vercmp", "--ecosystem", "Cobol", stdin="1 2\n")
    assert done.returncode != 0
    assert "unknown ecosystem" in done.stderr and "PyPI" in done.stderr


def test_vercmp_keeps_up_with_a_large_input():
    lines = [f"1.{n}.0 1.{n + 1}.0" for n in range(50000)]
    done = run_cli("vercmp", "--ecosystem", "SemVer", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0
    assert done.stdout.splitlines() == ["<"] * 50000


# `supplyguard vers check RANGE`: one answer per version read, through the real binary.
VERS_CASES = [
    ("vers:npm/>=1.0.0|!=1.5.0|<2.0.0", ["1.0.0", "1.5.0", "1.9.9", "2.0.0", "0.9.0"],
     ["true", "false", "true", "false", "false"]),
    ("vers:pypi/<=1.3.0|3.0.0", ["1.0", "1.3", "2.0", "3.0.0", "3.0.1"],
     ["true", "true", "false", "true", "false"]),
    ("vers:deb/>=1:1.0-1|<1:2.0-1", ["1:1.5-1", "1.5-1", "1:2.0-1"], ["true", "false", "false"]),
    ("vers:maven/*", ["1.0-SNAPSHOT", "anything"], ["true", "true"]),
]


@pytest.mark.parametrize("vers,versions,expected", VERS_CASES,
                         ids=[case[0].split("/")[0] for case in VERS_CASES])
def test_vers_check_answers_each_version_by_the_ranges_scheme(vers, versions, expected):
    done = run_cli("vers", "check", vers, stdin="\n".join(versions) + "\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == expected


def test_vers_check_answers_an_invalid_version_with_an_error_naming_it_and_goes_on():
    done = run_cli("vers", "check", "vers:npm/>=1.0.0|<2.0.0",
                   stdin="1.2.3\nnot-a-version\n1.2.3 4.5.6\n2.0.0\n")
    assert done.returncode == 0, done.stderr
    answers = done.stdout.splitlines()
    assert len(answers) == 4
    assert answers[0] == "true"
    assert answers[1].startswith("error") and "not-a-version" in answers[1]
    assert answers[2].startswith("error")
    assert answers[3] == "false"


@pytest.mark.parametrize("vers,reason", [
    ("vers:npm/>=2.0.0|<1.0.0", "not sorted by version"),
    ("vers:npm/>=1.0.0||<2.0.0", "consecutive pipes"),
    ("vers:cobol/1.0", "cobol"),
    ("vers:npm/>=1.0.0|<banana", "banana"),
])
def test_vers_check_refuses_a_range_that_does_not_parse(vers, reason):
    done = run_cli("vers", "check", vers, stdin="1.0.0\n")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("error") and reason in done.stderr, done.stderr

"""The checks of one test script: a PASS/FAIL line each, then the closing
"N passed, M failed" line that lit's FileCheck and CI read."""

results = []


def check(name, ok, detail=""):
    """Records one check and prints its line."""
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", name,
                       (": " + detail) if detail else ""))


def summary():
    """Prints the closing line; the script's exit status (1 on a failure)."""
    print("%d passed, %d failed" % (sum(results),
                                    len(results) - sum(results)))
    return 0 if all(results) else 1

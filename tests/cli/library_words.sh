#!/bin/bash
# The library speaks the domain, not the command line: no string literal under src/core, src/store, src/app,
# src/report or src/collect names an option ("--attendees") or an isms command ("isms log verify"),
# since the web pages and the JSON API show these texts to people who never typed one. An error
# names its input with err_field instead, and the CLI renders that field as its option and adds any
# command hint itself. Adjacent literals are joined (a message continued over lines is one string);
# comments are skipped. The isms commands are read from the CLI's command table (src/cli/main.c),
# so "an isms workspace" (the product) passes and "run isms soa approve" does not.
set -u
cd "$(dirname "$0")/../.." || exit 1
python3 - src/cli/main.c src/core src/store src/app src/report src/collect <<'EOF'
import os, re, sys

main, dirs = sys.argv[1], sys.argv[2:]
cmds = re.findall(r'^\s*\{"([a-z][a-z0-9-]*)",\s*"', open(main).read(), re.M)
if len(cmds) < 10:
    print("library_words.sh: could not read the isms commands from %s" % main)
    sys.exit(1)
flag = re.compile(r'(?<![A-Za-z0-9-])--[a-z]')
command = re.compile(r'\bisms (%s)\b(?!-)|`isms\b|\bisms %%s' % "|".join(sorted(map(re.escape, cmds), key=len, reverse=True)))

def literals(text):
    """Yield (line, joined string) for each run of adjacent string literals outside comments."""
    i, n, line = 0, len(text), 1
    run, run_line = None, 0
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == '"':
            j, s = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\":
                    s.append(text[j:j + 2])
                    j += 2
                else:
                    s.append(text[j])
                    j += 1
            if run is None:
                run, run_line = "", line
            run += "".join(s)
            line += text.count("\n", i, j)
            i = j + 1
            continue
        if c == "\n":
            line += 1
        if not c.isspace() and run is not None:
            yield run_line, run
            run = None
        i += 1
    if run is not None:
        yield run_line, run

def hits(text):
    out = []
    for ln, s in literals(text):
        s = s.replace("\\n", " ").replace("\\t", " ")
        for rx, what in ((flag, "an option"), (command, "an isms command")):
            m = rx.search(s)
            if m:
                out.append((ln, what, m.group(0), s))
                break
    return out

# The scanner itself: a message continued over lines is caught, and a command built with a format;
# comments, the product's name ("an isms workspace") and a literal's "-- " are not.
sample = ('/* isms init --org */ f("run `isms "\n    "log verify` first"); // --db\n'
          'g("an isms workspace", \'"\', "a -- b", "needs\\n--attendees");\n'
          'h("see isms soa "\n  "approve", "isms %s list", "isms logs");\n')
got = [(ln, m) for ln, _, m, _ in hits(sample)]
if got != [(1, "`isms"), (3, "--a"), (4, "isms soa"), (5, "isms %s"), (5, "isms logs")]:
    print("FAIL: the scanner of library_words.sh found %s in its sample" % got)
    sys.exit(1)

bad = []
for d in dirs:
    for root, _, files in os.walk(d):
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(root, f)
            for ln, what, m, s in hits(open(path, encoding="utf-8", errors="replace").read()):
                bad.append("%s:%d: names %s (%s): \"%s\"" % (path, ln, what, m, s[:160]))
if bad:
    print("FAIL: %d library string(s) name a command-line option or an isms command; name the field "
          "with err_field and let the CLI add the hint:" % len(bad))
    print("\n".join(bad))
    sys.exit(1)
print("library_words.sh: 1 checks passed (no option or isms command in the library's strings)")
EOF

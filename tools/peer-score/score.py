#!/usr/bin/env python3
"""Score a log filter on other projects' own detector test data.

Reads the user's own copies of three peers (a work tree or a bare git directory each):
  --gitleaks  gitleaks       rule generators cmd/generate/config/rules/*.go (tps / fps)
  --presidio  Presidio       presidio-analyzer/tests/test_*_recognizer.py (parametrized cases)
  --datadog   Datadog SDS    sds/src/secondary_validation/*.rs (valid / invalid test vectors)
extracts true positives (secrets to find) and false positives (benign strings to keep), embeds
each in log records in several contexts, runs them through --cmd as one NDJSON batch and reports
per source and per rule/entity: recall (the secret's text no longer appears in the output) and
benign loss (a false-positive sample, or the words around a secret, changed).

No peer data lives in this repository; see README.md beside this file for how to get copies.
Python 3.8+, standard library only (the `regex` module is used when installed, for Go regexes).
"""
import argparse, ast, base64, collections, difflib, json, os, random, re, subprocess, sys
import urllib.parse

try:
    import regex as _rx  # handles Go's POSIX classes and inline flags better than re
except ImportError:  # pragma: no cover
    _rx = None
try:
    import re._parser as sre_parse  # Python 3.11+
    import re._constants as sre_c
except ImportError:  # pragma: no cover
    import sre_parse, sre_constants as sre_c


# ---------------------------------------------------------------- reading a checkout or git dir
class Tree:
    """Files of a checkout (work tree) or of HEAD in a bare git directory."""

    def __init__(self, path):
        self.path = path
        self.git = None
        if os.path.isdir(os.path.join(path, "objects")) and os.path.exists(os.path.join(path, "HEAD")):
            self.git = path
        self.commit = self._commit()

    def _commit(self):
        gd = self.git or (os.path.join(self.path, ".git") if os.path.exists(os.path.join(self.path, ".git")) else None)
        if not gd:
            return "unknown"
        try:
            return subprocess.run(["git", "--git-dir", gd, "rev-parse", "HEAD"], capture_output=True,
                                  text=True, check=True).stdout.strip()
        except Exception:
            return "unknown"

    def ls(self, folder):
        if self.git:
            out = subprocess.run(["git", "--git-dir", self.git, "ls-tree", "--name-only", "HEAD", folder + "/"],
                                 capture_output=True, text=True).stdout.split("\n")
            return sorted(p for p in out if p)
        d = os.path.join(self.path, folder)
        return sorted(os.path.join(folder, f) for f in os.listdir(d)) if os.path.isdir(d) else []

    def read(self, rel):
        if self.git:
            return subprocess.run(["git", "--git-dir", self.git, "show", "HEAD:" + rel], capture_output=True,
                                  check=True).stdout.decode("utf-8", "replace")
        with open(os.path.join(self.path, rel), encoding="utf-8", errors="replace") as f:
            return f.read()


def sample(source, rule, kind, scope, secret, text=None, natural=None, fp=False, origin=""):
    return {"source": source, "rule": rule, "kind": kind, "scope": scope, "secret": secret,
            "text": text if text is not None else secret, "natural": natural, "fp": fp, "origin": origin}


# ---------------------------------------------------------------- regex -> example string
POSIX = {"alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "digit": "0-9", "upper": "A-Z", "lower": "a-z",
         "xdigit": "0-9a-fA-F", "space": r" \t", "punct": r"!-/:-@\[-`{-~", "word": r"\w"}


def go_to_py(pat):
    pat = re.sub(r"\[:(\w+):\]", lambda m: POSIX.get(m.group(1), m.group(0)), pat)
    pat = pat.replace(r"\z", r"\Z").replace(r"\pL", "a-zA-Z" if False else r"\w")
    return pat


class Gen:
    """Random strings matching a regex (like gitleaks' reggen with limit 1), seeded."""
    ALNUM = [chr(c) for c in range(48, 58)] + [chr(c) for c in range(65, 91)] + [chr(c) for c in range(97, 123)]

    def __init__(self, seed):
        self.r = random.Random(seed)

    def make(self, pat):
        flags = 0
        p = go_to_py(pat)
        if "(?i)" in p[1:]:
            p = p.replace("(?i)", "")
            flags = re.I
        return self._seq(sre_parse.parse(p, flags))

    def _cat(self, c):
        if c == sre_c.CATEGORY_DIGIT:
            return "0123456789"
        if c == sre_c.CATEGORY_SPACE:
            return " "
        if c == sre_c.CATEGORY_WORD:
            return "".join(self.ALNUM) + "_"
        return "".join(self.ALNUM)

    def _set(self, items):
        chars, neg = [], False
        for op, av in items:
            if op == sre_c.NEGATE:
                neg = True
            elif op == sre_c.LITERAL:
                chars.append(chr(av))
            elif op == sre_c.RANGE:
                chars.extend(chr(c) for c in range(av[0], av[1] + 1))
            elif op == sre_c.CATEGORY:
                chars.extend(self._cat(av))
        if neg:
            chars = [c for c in self.ALNUM if c not in chars] or ["x"]
        return chars or ["x"]

    def _seq(self, seq):
        out = []
        for op, av in seq:
            if op == sre_c.LITERAL:
                out.append(chr(av))
            elif op == sre_c.NOT_LITERAL:
                out.append(self.r.choice([c for c in self.ALNUM if ord(c) != av]))
            elif op == sre_c.ANY:
                out.append(self.r.choice(self.ALNUM))
            elif op == sre_c.IN:
                out.append(self.r.choice(self._set(av)))
            elif op == sre_c.CATEGORY:
                out.append(self.r.choice(self._cat(av)))
            elif op == sre_c.BRANCH:
                out.append(self._seq(self.r.choice(av[1])))
            elif op == sre_c.SUBPATTERN:
                out.append(self._seq(av[-1]))
            elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
                lo, hi, sub = av
                hi = lo + 1 if hi == sre_c.MAXREPEAT else hi
                n = self.r.randint(lo, max(lo, hi))
                out.extend(self._seq(sub) for _ in range(n))
            # anchors, lookarounds, backrefs: emit nothing
        return "".join(out)


def compile_go(pat):
    p = go_to_py(pat)
    flags = 0
    if "(?i)" in p[1:] or "(?i)" == p[:4]:
        p = p.replace("(?i)", "")
        flags = re.I
    for mod in ([_rx] if _rx else []) + [re]:
        try:
            return mod.compile(p, flags)
        except Exception:
            continue
    return None


# ---------------------------------------------------------------- gitleaks: a tiny Go evaluator
GL_IDENT_PREFIX = r"[\w.-]{0,50}?(?:"
GL_OPERATOR = r"(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)"


def gl_semi_generic(ids, secret_re, ci):
    ident = GL_IDENT_PREFIX + "|".join(ids) + r")(?:[ \t\w.-]{0,20})[\s'" + '"' + r"]{0,3}"
    pre = "(?i)" + ident if ci else r"[\w.-]{0,50}?(?i:" + ident + ")"
    return pre + GL_OPERATOR + r"[\x60'" + '"' + r"\s=]{0,5}(" + secret_re + r")(?:[\x60'" + '"' + r"\s;]|\\[nr]|$)"


def gl_unique(secret_re, ci):
    return ("(?i)" if ci else "") + r"\b(" + secret_re + r")(?:[\x60'" + '"' + r"\s;]|\\[nr]|$)"


GL_TEMPLATES = [  # utils.GenerateSampleSecrets (gitleaks issue 1222), the cases it enables
    '{i}Token="{s}"', '{i}Token = "{s}"', '{i}Token={s}', '{i}Token = {s}',
    '{\n    "{i}_token": "{s}"\n}', '{"config.ini": "{I}_TOKEN={s}\\nBACKUP_ENABLED=true"}',
    '<{i}Token>\n    {s}\n</{i}Token>', '{i}_token: {s}', "{i}_token: '{s}'", '{i}_token: "{s}"',
    'string {i}Token = "{s}";', 'var {i}Token string = "{s}"', '{i}Token := "{s}"', '{i}Token := `{s}`',
    'String {i}Token = "{s}";', 'var {i}Token = "{s}"', '${i}Token .= "{s}"', "{i}Token = '{s}'",
    '{i}Token = "{s}"', 'System.setProperty("{I}_TOKEN", "{s}")', '  "{i}Token" => "{s}"',
    '{i}_TOKEN = "{s}"', '{i}_TOKEN := "{s}"', '{i}_TOKEN ::= "{s}"', '{i}_TOKEN :::= "{s}"', '{i}_TOKEN ?= "{s}"',
]


class Unk:
    """A value the evaluator could not compute."""
    def __repr__(self):
        return "UNK"


UNK = Unk()


class S(str):
    """A true-positive sample whose secret is known (from GenerateSampleSecret[s])."""
    def __new__(cls, text, secret):
        o = str.__new__(cls, text)
        o.secret = secret
        return o


TOK = re.compile(r"""
 (?P<nl>\n) | (?P<ws>[ \t\r]+) | (?P<lc>//[^\n]*) | (?P<bc>/\*.*?\*/) |
 (?P<raw>`[^`]*`) | (?P<str>"(?:\\.|[^"\\\n])*") | (?P<rune>'(?:\\.|[^'\\\n])+') |
 (?P<num>\d+(?:\.\d+)?) | (?P<id>[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*) |
 (?P<op>\.\.\.|:=|::=|[-+*/%&|^<>=!]=|&&|\|\||<-|[{}()\[\],;:+=*&.!<>-]) | (?P<other>.)""", re.S | re.X)


def go_tokens(src):
    out = []
    for m in TOK.finditer(src):
        k = m.lastgroup
        v = m.group(k)
        if k in ("ws", "lc"):
            continue
        if k == "bc":
            if "\n" in v:
                out.append(("nl", "\n"))
            continue
        if k == "raw":
            out.append(("str", v[1:-1]))
        elif k == "str":
            try:
                out.append(("str", ast.literal_eval(v)))
            except Exception:
                out.append(("str", v[1:-1]))
        elif k == "rune":
            out.append(("unk", v))
        else:
            out.append((k, v))
    return out


class GoEval:
    def __init__(self, gen, notes):
        self.gen, self.notes = gen, notes

    # -- parsing helpers
    def peek(self, k=0):
        i = self.i + k
        return self.t[i] if i < len(self.t) else ("eof", "")

    def pv(self, k=0):
        """The current token's text if it is code (not a string literal's value)."""
        kind, v = self.peek(k)
        return None if kind in ("str", "num", "unk") else v

    def nxt(self):
        tok = self.peek()
        self.i += 1
        return tok

    def skip_nl(self):
        while self.peek()[0] == "nl" or self.pv() == ";":
            self.i += 1

    def expect(self, v):
        tok = self.nxt()
        if tok[0] != "op" or tok[1] != v:
            raise SyntaxError("want %r got %r" % (v, tok))

    def skip_balanced(self):
        """Skip one bracketed group starting at the current opener."""
        pairs = {"(": ")", "[": "]", "{": "}"}
        depth = []
        while True:
            k, v = self.nxt()
            if k == "eof":
                return
            if k != "op":
                continue
            if v in pairs:
                depth.append(pairs[v])
            elif depth and v == depth[-1]:
                depth.pop()
                if not depth:
                    return

    def skip_stmt(self):
        while True:
            k, v = self.peek()
            if k in ("eof", "nl") or (k == "op" and v in (";", "}")):
                return
            if v in "([{" and k == "op":
                self.skip_balanced()
            else:
                self.i += 1

    # -- expressions
    def expr(self):
        v = self.unary()
        while self.pv() == "+":
            self.i += 1
            self.skip_nl()
            w = self.unary()
            v = (v + w) if isinstance(v, str) and isinstance(w, str) and not isinstance(v, Unk) else (
                v + w if isinstance(v, int) and isinstance(w, int) else UNK)
        return v

    def args(self):
        self.expect("(")
        out, spread = [], False
        self.skip_nl()
        while self.pv() != ")":
            if self.peek()[0] == "eof":
                raise SyntaxError("eof in args")
            out.append(self.expr())
            if self.pv() == "...":
                self.i += 1
                spread = True
            self.skip_nl()
            if self.pv() == ",":
                self.i += 1
            self.skip_nl()
        self.i += 1
        return out, spread

    def elems(self):
        """{ e, e, k: v } -> (list, dict)"""
        self.expect("{")
        lst, dct = [], {}
        self.skip_nl()
        while self.pv() != "}":
            if self.peek()[0] == "eof":
                raise SyntaxError("eof in literal")
            if self.peek()[0] == "id" and self.pv(1) == ":":
                key = self.nxt()[1]
                self.i += 1
                self.skip_nl()
                dct[key] = self.expr()
            elif self.pv() == "{":
                lst.append(self.elems()[0])
            else:
                v = self.expr()
                self.skip_nl()
                if self.pv() == ":":
                    self.i += 1
                    self.skip_nl()
                    dct[str(v)] = self.expr()
                else:
                    lst.append(v)
            self.skip_nl()
            if self.pv() == ",":
                self.i += 1
            self.skip_nl()
        self.i += 1
        return lst, dct

    def typ(self):
        """Skip a type like []string, *config.Allowlist, map[string][]string."""
        while self.pv() in ("[", "]", "*") or self.peek()[0] == "num":
            self.i += 1
        if self.pv() == "map":
            self.i += 1
            self.expect("[")
            self.typ()
            self.expect("]")
            self.typ()
        elif self.peek()[0] == "id":
            self.i += 1

    def unary(self):
        if self.pv() in ("&", "*", "!", "-"):
            self.i += 1
        k, v = self.peek()
        if k == "str":
            self.i += 1
            val = v
        elif k == "num":
            self.i += 1
            val = float(v) if "." in v else int(v)
        elif v == "(":
            self.i += 1
            val = self.expr()
            self.expect(")")
        elif v == "[" or v == "map":
            self.typ()
            if self.pv() == "(":  # conversion like []byte(x)
                a, _ = self.args()
                val = a[0] if a else UNK
            else:
                lst, dct = self.elems()
                val = dct if dct and not lst else self.flatten(lst)
        elif k == "id":
            self.i += 1
            if self.pv() == "(":
                a, spread = self.args()
                val = self.call(v, a, spread)
            elif self.pv() == "{" and ("." in v or v[:1].isupper()):
                lst, dct = self.elems()
                val = dct
            else:
                val = self.env.get(v, UNK)
                if v in ("true", "false"):
                    val = v == "true"
        elif k == "op" and v == "func":
            raise SyntaxError("func literal")
        else:
            raise SyntaxError("unexpected %r" % (self.peek(),))
        while True:  # postfix: index / slice / call on result
            if self.pv() == "[":
                self.i += 1
                parts = []
                while self.pv() != "]":
                    if self.pv() == ":":
                        parts.append(":")
                        self.i += 1
                    else:
                        parts.append(self.expr())
                self.i += 1
                val = self.index(val, parts)
            elif self.pv() == "." and self.peek(1)[0] == "id":
                self.i += 2
                if self.pv() == "(":
                    self.args()
                val = UNK
            else:
                return val

    def index(self, val, parts):
        try:
            if parts == [":"]:
                return val
            if len(parts) == 1:
                return val[parts[0]]
            if len(parts) == 2 and parts[0] == ":":
                return val[:parts[1]]
            if len(parts) == 2 and parts[1] == ":":
                return val[parts[0]:]
            if len(parts) == 3:
                return val[parts[0]:parts[2]]
        except Exception:
            pass
        return UNK

    @staticmethod
    def flatten(lst):
        out = []
        for x in lst:
            out.append(x)
        return out

    def call(self, name, a, spread):
        g = lambda i: a[i] if i < len(a) else UNK
        short = name.split(".")[-1]
        cls = {"Numeric": "[0-9]{%s}", "Hex": "[a-f0-9]{%s}", "AlphaNumeric": "[a-z0-9]{%s}",
               "AlphaNumericExtendedShort": "[a-z0-9_-]{%s}", "AlphaNumericExtended": r"[a-z0-9=_\-]{%s}",
               "AlphaNumericExtendedLong": r"[a-z0-9\/=_\+\-]{%s}"}
        if any(isinstance(x, Unk) for x in a) and short not in ("append", "Validate", "ValidateWithPaths"):
            return UNK
        if name.startswith("utils.") and short in cls:
            return cls[short] % g(0)
        if short == "Hex8_4_4_4_12":
            return "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        if name == "secrets.NewSecret":
            try:
                return self.gen.make(g(0))
            except Exception as e:
                self.notes.append("NewSecret(%r): %s" % (g(0)[:40], e))
                return UNK
        if short == "GenerateSampleSecrets":
            i, s = g(0), g(1)
            return [S(t.replace("{i}", i).replace("{I}", i.upper()).replace("{s}", s), s) for t in GL_TEMPLATES]
        if short == "GenerateSampleSecret":
            return [S('%s_api_token = "%s"' % (g(0), g(1)), g(1))] if False else S('%s_api_token = "%s"' % (g(0), g(1)), g(1))
        if short == "GenerateSemiGenericRegex":
            return gl_semi_generic(g(0), g(1), bool(g(2)))
        if short == "GenerateUniqueTokenRegex":
            return gl_unique(g(0), bool(g(1)))
        if short == "MergeRegexps":
            return "|".join(a)
        if name in ("regexp.MustCompile", "regexp.Compile", "string"):
            return g(0)
        if short == "append":
            base = list(g(0)) if isinstance(g(0), list) else []
            for x in a[1:]:
                if spread and x is a[-1] and isinstance(x, list):
                    base.extend(x)
                else:
                    base.append(x)
            return base
        if name == "fmt.Sprintf":
            f, rest = g(0), list(a[1:])
            try:
                return re.sub(r"%[sdvq]", lambda m: str(rest.pop(0)), f)
            except Exception:
                return UNK
        if name == "strings.Repeat":
            return g(0) * g(1)
        if name in ("strings.ToUpper", "strings.ToLower"):
            return g(0).upper() if short == "ToUpper" else g(0).lower()
        if name == "strings.Join":
            return g(1).join(g(0))
        if short == "EncodeToString":
            raw = g(0).encode() if isinstance(g(0), str) else b""
            enc = {"StdEncoding": base64.b64encode(raw).decode(),
                   "RawStdEncoding": base64.b64encode(raw).decode().rstrip("="),
                   "URLEncoding": base64.urlsafe_b64encode(raw).decode(),
                   "RawURLEncoding": base64.urlsafe_b64encode(raw).decode().rstrip("=")}
            return enc.get(name.split(".")[-2], UNK)
        if short in ("Validate", "ValidateWithPaths"):
            self.validated.append((g(0), g(1), g(2)))
            return g(0)
        return UNK

    # -- statements
    def run(self, body_tokens, env):
        self.t, self.i, self.env, self.validated = body_tokens, 0, env, []
        while self.peek()[0] != "eof":
            self.skip_nl()
            start = self.i
            try:
                self.stmt()
            except (SyntaxError, IndexError, TypeError, KeyError, AttributeError, ValueError) as e:
                self.notes.append("statement skipped: %s" % e)
                self.i = start
                self.skip_stmt()
                if self.pv() == "}":
                    self.i += 1
                elif self.i == start:
                    self.i += 1
        return self.validated

    def stmt(self):
        k, v = self.peek()
        if k == "eof":
            return
        if v == "}":
            self.i += 1
            return
        if v in ("for", "if", "switch", "go", "defer"):
            while self.pv() != "{" and self.peek()[0] != "eof":
                self.i += 1
            self.skip_balanced()
            self.notes.append("%s block skipped" % v)
            return
        if v == "return":
            self.i += 1
            if self.peek()[0] != "nl":
                self.expr()
            return
        if v == "var" or v == "const":
            self.i += 1
            if self.pv() == "(":
                self.i += 1
                self.skip_nl()
                while self.pv() != ")" and self.peek()[0] != "eof":
                    self.decl()
                    self.skip_nl()
                self.i += 1
            else:
                self.decl()
            return
        if k == "id":
            names = [v]
            j = 1
            while self.pv(j) == "," and self.peek(j + 1)[0] == "id":
                names.append(self.peek(j + 1)[1])
                j += 2
            if self.pv(j) in (":=", "="):
                self.i += j + 1
                self.skip_nl()
                val = self.expr()
                if len(names) == 1:
                    self.assign(names[0], val)
                return
            self.expr()  # a call statement such as utils.Validate(...)
            return
        raise SyntaxError("unknown statement %r" % (v,))

    def decl(self):
        name = self.nxt()[1]
        if self.pv() != "=":
            self.typ()
        if self.pv() == "=":
            self.i += 1
            self.skip_nl()
            self.assign(name, self.expr())

    def assign(self, name, val):
        if "." in name:
            obj, field = name.split(".", 1)
            if isinstance(self.env.get(obj), dict):
                self.env[obj][field] = val
            return
        self.env[name] = val


def gl_kind(rule_id):
    r = rule_id.lower()
    if "private-key" in r or r.endswith("-pem"):
        return "private key", "private_key"
    if "password" in r or r.startswith("curl-auth-user"):
        return "password", "password"
    if "secret" in r:
        return "token", "client_secret"
    if "key" in r:
        return "key", "api_key"
    if "webhook" in r or "url" in r:
        return "token", "webhook_url"
    return "token", "token"


def go_split(tokens):
    """Top-level tokens outside functions, and (name, is_rule, body tokens) per function."""
    top, funcs, i = [], [], 0
    while i < len(tokens):
        k, v = tokens[i]
        if k == "id" and v == "func" and (i == 0 or tokens[i - 1][0] == "nl"):
            j = i + 1
            name = tokens[j][1] if j < len(tokens) else ""
            depth = 0
            while j < len(tokens) and not (tokens[j] == ("op", "{") and depth == 0):
                if tokens[j][0] == "op" and tokens[j][1] in "([":
                    depth += 1
                elif tokens[j][0] == "op" and tokens[j][1] in ")]":
                    depth -= 1
                j += 1
            sig = tokens[i:j]
            start, depth = j, 0
            while j < len(tokens):
                if tokens[j][0] == "op" and tokens[j][1] == "{":
                    depth += 1
                elif tokens[j][0] == "op" and tokens[j][1] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            funcs.append((name, ("id", "config.Rule") in sig, tokens[start + 1:j]))
            i = j + 1
        else:
            top.append(tokens[i])
            i += 1
    return top, funcs


def extract_gitleaks(tree, seed, notes):
    out = []
    gen = Gen(seed)
    files = [f for f in tree.ls("cmd/generate/config/rules") if f.endswith(".go") and not f.endswith("_test.go")]
    parsed = [(f, go_split(go_tokens(tree.read(f)))) for f in files]
    pkg = {}
    for _ in range(2):  # package-level vars may refer to each other across files
        for f, (top, funcs) in parsed:
            GoEval(gen, []).run(top, pkg)
    for f, (top, funcs) in parsed:
        for fname, is_rule, body in funcs:
            if not is_rule:
                continue
            ev = GoEval(gen, [])
            validated = ev.run(body, dict(pkg))
            for n in ev.notes:
                notes.append("gitleaks %s %s: %s" % (os.path.basename(f), fname, n))
            for rule, tps, fps in validated:
                if not isinstance(rule, dict) or not isinstance(rule.get("RuleID"), str):
                    notes.append("gitleaks %s %s: rule id not evaluated" % (os.path.basename(f), fname))
                    continue
                rid = rule["RuleID"]
                kind, natural = gl_kind(rid)
                rx = compile_go(rule["Regex"]) if isinstance(rule.get("Regex"), str) else None
                group = rule.get("SecretGroup") if isinstance(rule.get("SecretGroup"), int) else 0
                for tp in tps if isinstance(tps, list) else []:
                    if isinstance(tp, list):
                        tp_items = tp
                    else:
                        tp_items = [tp]
                    for t in tp_items:
                        if not isinstance(t, str) or isinstance(t, Unk):
                            notes.append("gitleaks %s: a tp not evaluated" % rid)
                            continue
                        secret = getattr(t, "secret", None)
                        if secret is None and rx is not None:
                            mm = rx.search(t)
                            if mm:
                                if group and group <= (mm.re.groups or 0):
                                    secret = mm.group(group)
                                else:
                                    secret = next((g for g in mm.groups() if g), None) or mm.group(0)
                                if len(secret) < 8 <= len(mm.group(0)):
                                    # a repeated fragment group (teams webhook): the match is the secret
                                    secret = mm.group(0)
                        if not secret:
                            notes.append("gitleaks %s: secret of a tp not located (regex %s)" %
                                         (rid, "unavailable" if rx is None else "did not match"))
                            continue
                        out.append(sample("gitleaks", rid, kind, "mission", secret, str(t), natural, False, f))
                for fp in fps if isinstance(fps, list) else []:
                    if isinstance(fp, str) and not isinstance(fp, Unk) and fp.strip():
                        out.append(sample("gitleaks", rid, kind, "mission", fp, fp, None, True, f))
                    else:
                        notes.append("gitleaks %s: an fp not evaluated" % rid)
    return out


# ---------------------------------------------------------------- Presidio
# entity -> (kind, natural key); entities absent here are out of the mission's scope.
PRESIDIO_SCOPE = {
    "CREDIT_CARD": ("card", "card_number"), "EMAIL_ADDRESS": ("email", "email"),
    "PHONE_NUMBER": ("phone", "phone"), "IBAN_CODE": ("iban", "iban"), "US_SSN": ("national id", "ssn"),
    "US_ITIN": ("national id", "itin"), "US_BANK_NUMBER": ("bank account", "account_number"),
    "ABA_ROUTING_NUMBER": ("bank account", "routing_number"), "ES_NIF": ("national id", "nif"),
    "ES_NIE": ("national id", "nie"), "IT_FISCAL_CODE": ("national id", "codice_fiscale"),
    "IT_IDENTITY_CARD": ("national id", "identity_card"), "PL_PESEL": ("national id", "pesel"),
    "AU_TFN": ("national id", "tfn"), "IN_AADHAAR": ("national id", "aadhaar"), "KR_RRN": ("national id", "rrn"),
    "KR_FRN": ("national id", "frn"), "FI_PERSONAL_IDENTITY_CODE": ("national id", "hetu"),
    "UK_NINO": ("national id", "nino"), "CA_SIN": ("national id", "sin"), "SE_PERSONNUMMER": ("national id", "personnummer"),
    "TR_NATIONAL_ID": ("national id", "tckn"), "TH_TNIN": ("national id", "national_id"),
    "ZA_ID_NUMBER": ("national id", "id_number"), "NG_NIN": ("national id", "nin"), "SG_NRIC_FIN": ("national id", "nric"),
    "IN_PAN": ("national id", "pan"), "DE_TAX_ID": ("national id", "steuer_id"),
    "DE_SOCIAL_SECURITY": ("national id", "sozialversicherungsnummer"), "DE_ID_CARD": ("national id", "personalausweis"),
    "PH_TIN": ("national id", "tin"), "PH_MOBILE_NUMBER": ("phone", "mobile"), "TR_PHONE_NUMBER": ("phone", "phone"),
}


def presidio_entity_from_file(name, src):
    m = re.search(r"def entities\(\):\s*return \[\s*\"([A-Z_]+)\"", src)
    if m:
        return m.group(1)
    m = re.search(r"entities=\[\"([A-Z_]+)\"\]|supported_entity=\"([A-Z_]+)\"", src)
    if m:
        return m.group(1) or m.group(2)
    return os.path.basename(name)[5:-14].upper()


def extract_presidio(tree, notes):
    out = []
    for f in tree.ls("presidio-analyzer/tests"):
        base = os.path.basename(f)
        if not (base.startswith("test_") and base.endswith("_recognizer.py")):
            continue
        src = tree.read(f)
        try:
            mod = ast.parse(src)
        except SyntaxError:
            notes.append("presidio %s: not parsed" % base)
            continue
        default_entity = presidio_entity_from_file(f, src)
        for fn in ast.walk(mod):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for dec in fn.decorator_list:
                if not (isinstance(dec, ast.Call) and getattr(dec.func, "attr", "") == "parametrize" and len(dec.args) >= 2):
                    continue
                try:
                    names = [n.strip() for n in ast.literal_eval(dec.args[0]).split(",")] \
                        if isinstance(dec.args[0], ast.Constant) else list(ast.literal_eval(dec.args[0]))
                except Exception:
                    continue
                if not isinstance(dec.args[1], (ast.List, ast.Tuple)):
                    continue
                textkey = next((n for n in ("text", "iban") if n in names), None)
                # validator tables: ("number", expected: bool) over the whole string
                boolform = textkey is None and len(names) == 2 and names[1] == "expected" and \
                    names[0] in ("number", "pesel", "id_number", "gstin", "pan")
                if boolform:
                    textkey = names[0]
                if textkey is None:
                    continue
                poskey = next((n for n in ("expected_positions", "expected_res", "expected_position") if n in names), None)
                for node in dec.args[1].elts:
                    try:
                        row = dict(zip(names, ast.literal_eval(node)))
                    except Exception:
                        notes.append("presidio %s: a case with non-literal values skipped" % base)
                        continue
                    text = row.get(textkey)
                    if not isinstance(text, str):
                        continue
                    if boolform:
                        if not isinstance(row.get("expected"), bool):
                            continue
                        row = {textkey: text, "expected_len": 1 if row["expected"] else 0,
                               "expected_positions": ((0, len(text)),) if row["expected"] else ()}
                        poskey = "expected_positions"
                    ents = row.get("entities") or row.get("entity") or [default_entity]
                    if isinstance(ents, str):
                        ents = [ents]
                    n = row.get("expected_len", None)
                    spans = row.get(poskey) if poskey else None
                    if n == 0 or (spans is not None and len(spans) == 0 and n in (None, 0)):
                        ent = ents[0]
                        kind, nat = PRESIDIO_SCOPE.get(ent, ("other", None))
                        out.append(sample("presidio", ent, kind, "mission" if ent in PRESIDIO_SCOPE else "out",
                                          text, text, None, True, f))
                        continue
                    if isinstance(spans, tuple) and len(spans) >= 2 and all(isinstance(x, int) for x in spans[:2]):
                        spans = (spans,)  # a single (start, end) pair
                    if not spans:
                        notes.append("presidio %s: a case without positions skipped" % base)
                        continue
                    for idx, sp in enumerate(spans):
                        try:
                            st, en = int(sp[0]), int(sp[1])
                        except Exception:
                            continue
                        ent = ents[idx] if idx < len(ents) else ents[0]
                        sec = text[st:en]
                        if not sec.strip():
                            continue
                        kind, nat = PRESIDIO_SCOPE.get(ent, ("other", None))
                        out.append(sample("presidio", ent, kind, "mission" if ent in PRESIDIO_SCOPE else "out",
                                          sec, text, nat, False, f))
    return out


# ---------------------------------------------------------------- Datadog SDS
# validator file -> (rule name, kind, natural key); missing ones are out of scope.
DD_SCOPE = {
    "luhn_checksum": ("card", "card_number"), "iban_checker": ("iban", "iban"),
    "aba_rtn_checksum": ("bank account", "routing_number"), "github_token_checksum": ("token", "github_token"),
    "atlassian_token_checksum": ("token", "api_token"), "australian_tfn_checksum": ("national id", "tfn"),
    "austrian_ssn_checksum": ("national id", "ssn"), "belgium_national_register_checksum": ("national id", "national_number"),
    "brazilian_cpf_checksum": ("national id", "cpf"), "bulgarian_egn_checksum": ("national id", "egn"),
    "chinese_id_checksum": ("national id", "id_number"), "coordination_number_checksum": ("national id", "samordningsnummer"),
    "czech_tin_checksum": ("national id", "tin"), "dutch_bsn_checksum": ("national id", "bsn"),
    "estonia_personal_code_checksum": ("national id", "isikukood"), "finnish_hetu_checksum": ("national id", "hetu"),
    "france_nif_checksum": ("national id", "nif"), "france_ssn_checksum": ("national id", "nir"),
    "german_ids_checksum": ("national id", "personalausweis"), "german_svnr_checksum": ("national id", "svnr"),
    "greece_amka_checksum": ("national id", "amka"), "greece_tin_checksum": ("national id", "afm"),
    "hungarian_tin_checksum": ("national id", "adoazonosito"), "irish_pps_checksum": ("national id", "pps_number"),
    "italian_national_id_checksum": ("national id", "codice_fiscale"), "latvia_national_id_checksum": ("national id", "personas_kods"),
    "lithuanian_personal_identification_number_checksum": ("national id", "asmens_kodas"),
    "luxembourg_individual_nin_checksum": ("national id", "matricule"), "nir_checksum": ("national id", "nir"),
    "polish_national_id_checksum": ("national id", "pesel"), "portuguese_tax_id_checksum": ("national id", "nif"),
    "rodne_cislo_checksum": ("national id", "rodne_cislo"), "romanian_personal_numeric_code": ("national id", "cnp"),
    "singapore_nric_checksum": ("national id", "nric"), "slovenia_tin_checksum": ("national id", "davcna_stevilka"),
    "slovenian_pin_checksum": ("national id", "emso"), "spain_dni_checksum": ("national id", "dni"),
    "spanish_nuss_checksum": ("national id", "nuss"), "sweden_pin_checksum": ("national id", "personnummer"),
    "uk_nino_format_check": ("national id", "nino"), "verhoeff_checksum": ("national id", "aadhaar"),
}
RS_STR = re.compile(r'r(#*)"(.*?)"\1|"((?:\\.|[^"\\])*)"', re.S)


def rs_strings(s):
    out = []
    for m in RS_STR.finditer(s):
        if m.group(2) is not None and m.group(0).startswith("r"):
            out.append(m.group(2))
        else:
            try:
                out.append(ast.literal_eval('"' + m.group(3) + '"'))
            except Exception:
                out.append(m.group(3))
    return out


def extract_datadog(tree, notes):
    out = []
    for f in tree.ls("sds/src/secondary_validation"):
        name = os.path.basename(f)[:-3]
        if not f.endswith(".rs") or name == "mod":
            continue
        src = tree.read(f)
        t = src.find("mod test")
        if t < 0:
            continue
        test = src[t:]
        kind, nat = DD_SCOPE.get(name, ("other", None))
        scope = "mission" if name in DD_SCOPE else "out"
        got = 0
        # let NAME = vec![ "..", .. ];  followed by assert!(X.is_valid_match(..)) or assert!(!...)
        for m in re.finditer(r"let (?:mut )?(\w+)(?:\s*:\s*[^=]+)?\s*=\s*&?(?:vec!)?\[(.*?)\];", test, re.S):
            var, items = m.group(1), re.sub(r"//[^\n]*", "", m.group(2))
            if "(" in re.sub(r'"(?:\\.|[^"\\])*"', "", items):
                notes.append("datadog %s: list %s has non-literal items, skipped" % (name, var))
                continue
            after = test[m.end():m.end() + 600]
            a = re.search(r"assert(?:_eq)?!\(\s*(!?)\s*[\w:]+(?:\.|::)[\w.]*is_valid_match\([^)]*\)\s*(?:,\s*(true|false))?", after)
            if not a:
                notes.append("datadog %s: list %s: no is_valid_match assertion found" % (name, var))
                continue
            valid = (a.group(1) != "!") if a.group(2) is None else (a.group(2) == "true")
            items = re.sub(r"//[^\n]*", "", items)
            for s in rs_strings(items):
                if s.strip():
                    got += 1
                    out.append(sample("datadog", name, kind, scope, s, s, None if not valid else nat, not valid, f))
        # direct assertions on literals
        for m in re.finditer(r'assert!\(\s*(!?)\s*[\w:]+(?:\.|::)is_valid_match\(\s*(r#*"|")', test):
            lit = rs_strings(test[m.start(2):m.start(2) + 400])
            if lit and lit[0].strip():
                got += 1
                valid = m.group(1) != "!"
                out.append(sample("datadog", name, kind, scope, lit[0], lit[0], nat if valid else None, not valid, f))
        if not got:
            notes.append("datadog %s: no literal test vectors extracted" % name)
    return out


# ---------------------------------------------------------------- embedding in log records
ALPHA, BRAVO = "alphaword", "bravoword"
PHONE_KEYS = {"phone": ("phone", "PHONE_NUMBER", "phone", "phone")}


def logfmt_val(s):
    return s if re.fullmatch(r'[^\s"=\\]+', s) else json.dumps(s, ensure_ascii=False)


def forms_of(s, ctx):
    """How a sample's text is written in a context: itself, percent-encoded, logfmt-quoted."""
    forms = {s}
    if ctx.endswith("url"):
        forms.add(urllib.parse.quote(s, safe=""))
    if ctx.endswith("logfmt"):
        forms.add(logfmt_val(s).strip('"') if logfmt_val(s) != s else s)
        forms.add(json.dumps(s, ensure_ascii=False)[1:-1])
    return forms


def contexts(smp):
    """(context name, record, in mission scope?) for one sample."""
    s, t = smp["secret"], smp["text"]
    q = urllib.parse.quote(s, safe="")
    recs = []
    if smp["fp"]:
        recs.append(("msg", {"msg": "job 4512 %s %s %s done" % (ALPHA, t, BRAVO)}))
        recs.append(("note", {"svc": "checkout %s %s" % (ALPHA, BRAVO), "note": t}))
        recs.append(("logfmt", {"log": 'level=info msg="%s %s" x=%s dur=12ms' % (ALPHA, BRAVO, logfmt_val(t))}))
        return [(c, r, True) for c, r in recs]
    phone = smp["kind"] == "phone"
    free = not phone  # phones are in scope under phone names only
    recs.append(("msg", {"msg": "job 4512 %s %s %s done" % (ALPHA, t, BRAVO)}, free))
    recs.append(("note", {"svc": "checkout %s %s" % (ALPHA, BRAVO), "note": s}, free))
    recs.append(("config", {"msg": "config dump: OPTION_7=%s RETRIES=3 %s %s" % (s, ALPHA, BRAVO)}, free))
    recs.append(("url", {"msg": "GET /search?q=%s&page=2 HTTP/1.1 200 %s %s" % (q, ALPHA, BRAVO)}, free))
    recs.append(("logfmt", {"log": 'level=info msg="%s %s" x=%s dur=12ms' % (ALPHA, BRAVO, logfmt_val(s))}, free))
    if phone:
        recs.append(("phone-json", {"svc": "%s %s" % (ALPHA, BRAVO), "phone": s}, True))
        recs.append(("phone-config", {"msg": "config dump: PHONE_NUMBER=%s RETRIES=3 %s %s" % (s, ALPHA, BRAVO)}, True))
        recs.append(("phone-url", {"msg": "GET /contact?phone=%s&page=2 HTTP/1.1 200 %s %s" % (q, ALPHA, BRAVO)}, True))
        recs.append(("phone-logfmt", {"log": 'level=info msg="%s %s" phone=%s dur=12ms' % (ALPHA, BRAVO, logfmt_val(s))}, True))
    elif smp["natural"]:
        recs.append(("natural", {"svc": "%s %s" % (ALPHA, BRAVO), smp["natural"]: s}, True))
    return recs


# ---------------------------------------------------------------- judging the output
UNESC = [("\\n", "\n"), ("\\r", "\r"), ("\\t", "\t"), ('\\"', '"'), ("\\\\", "\\")]


def out_text(rec):
    parts = []

    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                if k == "logseal":
                    continue
                parts.append(str(k))
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif v is not None:
            parts.append(v if isinstance(v, str) else json.dumps(v))
    walk(rec)
    t = "\n".join(parts)
    return t, unescape(t)


def unescape(t):
    """Undo the filter's visible escapes (README "Escaping"): escaping is not a loss."""
    u = t.replace("$\\{", "${")
    u = re.sub(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))",
               lambda m: chr(int(m.group(1) or m.group(2) or m.group(3), 16)), u)
    for a, b in UNESC:
        u = u.replace(a, b)
    return u


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def leaked(secret, ctx, text, utext):
    for f in forms_of(secret, ctx):
        if f in text or f in utext or norm(f) in norm(utext):
            return True
    for chunk in re.split(r"\s+|\\n", secret):  # multi-line secrets: a long line of it is a leak
        if len(chunk) >= 20 and chunk != secret and chunk in utext and not re.fullmatch(r"-+[A-Z ]+-+", chunk):
            return True
    return False


def partial(secret, utext):
    if len(secret) < 12:
        return False
    m = difflib.SequenceMatcher(None, secret, utext, autojunk=False).find_longest_match(0, len(secret), 0, len(utext))
    return m.size >= max(8, len(secret) // 2)


def shorten(s, n=6):
    s = s.replace("\n", "\\n")
    return (s[:n] + "..." + "(%d chars)" % len(s)) if len(s) > n else s[:2] + "..."


SECRET_KEY = re.compile(r"(?i)(pass|pwd|secret|token|key|auth|credential|private)[\w.-]*[\"']?\s*[:=]")


BLANK = ("import sys, json\nfor l in sys.stdin:\n    r = json.loads(l)\n"
         "    print(json.dumps({k: (v if k == 'case' else 'X') for k, v in r.items()}))")


def self_check(samples):
    """Run the scorer on the same samples with two stand-in filters whose scores are known."""
    import shlex, tempfile
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "samples.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for s in samples:
                f.write(json.dumps(s, ensure_ascii=False) + "\n")
        blank = os.path.join(d, "blank.py")
        with open(blank, "w") as f:
            f.write(BLANK)
        py = shlex.quote(sys.executable)
        ok = True
        for cmd, want in (("cat", "0.0%"), ("%s %s" % (py, shlex.quote(blank)), "100.0%")):
            out = subprocess.run([sys.executable, os.path.abspath(__file__), "--samples", path, "--cmd", cmd],
                                 capture_output=True, text=True).stdout
            lines = [l for l in out.splitlines() if l.startswith("summary ")]
            for l in lines:
                vals = dict(kv.split("=", 1) for kv in l.split()[1:])
                bad = [k for k in ("recall", "collateral", "fp_loss") if vals[k] not in (want, "-")]
                if bad:
                    ok = False
                    print("self-check FAILED with --cmd %s: %s" % (cmd, l))
            if not lines:
                ok = False
                print("self-check FAILED with --cmd %s: no summary" % cmd)
        print("self-check %s (%d samples)" % ("ok" if ok else "FAILED", len(samples)))
        return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gitleaks", help="gitleaks checkout or git dir")
    ap.add_argument("--presidio", help="presidio checkout or git dir")
    ap.add_argument("--datadog", help="dd-sensitive-data-scanner checkout or git dir")
    ap.add_argument("--samples", help="JSONL of samples written by --dump-samples (instead of checkouts)")
    ap.add_argument("--dump-samples", help="write the extracted samples as JSONL and continue")
    ap.add_argument("--cmd", default="target/release/logseal filter")
    ap.add_argument("--seed", type=int, default=15, help="seed for gitleaks' generated secrets")
    ap.add_argument("--worst", type=int, default=30)
    ap.add_argument("--markdown", action="store_true", help="print tables as Markdown")
    ap.add_argument("--json-out", help="write per-case results with input and output records as JSONL (holds the samples)")
    ap.add_argument("--notes", action="store_true", help="print what extraction skipped")
    ap.add_argument("--self-check", action="store_true",
                    help="check the scorer itself: an identity command must score 0%% recall and 0%% loss, "
                         "one that blanks every value 100%% and 100%%")
    a = ap.parse_args()

    notes, samples, commits = [], [], {}
    if a.samples:
        with open(a.samples, encoding="utf-8") as f:
            samples = [json.loads(l) for l in f if l.strip()]
    for name, path, fn in (("gitleaks", a.gitleaks, lambda t: extract_gitleaks(t, a.seed, notes)),
                           ("presidio", a.presidio, lambda t: extract_presidio(t, notes)),
                           ("datadog", a.datadog, lambda t: extract_datadog(t, notes))):
        if path:
            tree = Tree(path)
            commits[name] = tree.commit
            samples.extend(fn(tree))
    if not samples:
        ap.error("give at least one of --gitleaks, --presidio, --datadog, --samples")
    seen, uniq = set(), []
    for s in samples:
        key = (s["source"], s["rule"], s["secret"], s["text"], s["fp"])
        if key not in seen:
            seen.add(key)
            uniq.append(s)
    samples = uniq
    if a.dump_samples:
        with open(a.dump_samples, "w", encoding="utf-8") as f:
            for s in samples:
                f.write(json.dumps(s, ensure_ascii=False) + "\n")
    if a.self_check:
        sys.exit(self_check(samples))

    cases, bare_seen = [], set()
    for si, smp in enumerate(samples):
        for ctx, rec, inscope in contexts(smp):
            # only "msg" carries the peer's whole sample text; the other contexts hold the bare
            # secret, so one record per (rule, secret, context) keeps rules with many sample
            # templates from being weighted by their template count
            if ctx != "msg" and not smp["fp"]:
                key = (smp["source"], smp["rule"], smp["secret"], ctx)
                if key in bare_seen:
                    continue
                bare_seen.add(key)
            rec = dict(rec)
            rec["case"] = "c%06d" % len(cases)
            cases.append((si, ctx, inscope and smp["scope"] == "mission", rec))
    inp = "".join(json.dumps(c[3], ensure_ascii=False) + "\n" for c in cases).encode()
    p = subprocess.run(a.cmd, shell=True, input=inp, capture_output=True, timeout=1800)
    if p.returncode != 0:
        print("command exited %d: %s" % (p.returncode, p.stderr.decode("utf-8", "replace")[-300:]), file=sys.stderr)
    outs = {}
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        try:
            r = json.loads(line)
            outs[r.get("case")] = r
        except Exception:
            continue

    # per (source, rule) tallies over in-scope cases; out-of-scope tallied per source only
    T = lambda: collections.Counter()
    per_rule = collections.defaultdict(T)
    per_src = collections.defaultdict(T)
    per_ctx = collections.defaultdict(T)
    per_kind = collections.defaultdict(T)
    leaks_shown = collections.defaultdict(list)
    jout = open(a.json_out, "w", encoding="utf-8") if a.json_out else None
    for si, ctx, inscope, rec in cases:
        smp = samples[si]
        o = outs.get(rec["case"])
        text, utext = out_text(o) if o is not None else ("", "")
        lost = o is None
        words_ok = (not lost) and ALPHA in utext and BRAVO in utext and ("svc" not in rec or rec["svc"] in utext)
        res = {"case": rec["case"], "source": smp["source"], "rule": smp["rule"], "ctx": ctx, "fp": smp["fp"],
               "inscope": inscope, "lost_record": lost}
        src = smp["source"] if inscope else smp["source"] + " (out of scope)"
        if smp["fp"]:
            kept = (not lost) and words_ok and any(
                norm(f) in norm(utext) or f in text for f in forms_of(smp["text"], ctx))
            keyed = bool(SECRET_KEY.search(smp["text"]))
            res.update(benign_kept=kept, keyed=keyed)
            for c in (per_src[src], per_rule[(src, smp["rule"])]):
                c["fp"] += 1
                c["fp_lost"] += not kept
                c["fp_keyed"] += keyed
                c["fp_lost_unkeyed"] += (not kept) and not keyed
        else:
            lk = (not lost) and leaked(smp["secret"], ctx, text, utext)
            pt = (not lk) and (not lost) and partial(smp["secret"], utext)
            res.update(leaked=lk, partial=pt, words_kept=words_ok)
            for c in (per_src[src], per_rule[(src, smp["rule"])]):
                c["tp"] += 1
                c["leak"] += lk
                c["partial"] += pt
                c["collateral"] += not words_ok
            if inscope:
                per_kind[(smp["source"], smp["kind"])]["tp"] += 1
                per_kind[(smp["source"], smp["kind"])]["leak"] += lk
                per_ctx[(smp["source"], ctx)]["tp"] += 1
                per_ctx[(smp["source"], ctx)]["leak"] += lk
            if lk:
                leaks_shown[(src, smp["rule"])].append((ctx, smp))
        if jout:
            res.update(record=rec, output=o)
            jout.write(json.dumps(res, ensure_ascii=False) + "\n")
    if jout:
        jout.close()

    pct = lambda n, d: ("%.1f%%" % (100.0 * n / d)) if d else "-"
    md = a.markdown

    def table(head, rows):
        if md:
            print("| " + " | ".join(head) + " |")
            print("|" + "---|" * len(head))
            for r in rows:
                print("| " + " | ".join(str(x) for x in r) + " |")
        else:
            w = [max(len(str(x)) for x in col) for col in zip(head, *rows)] if rows else [len(h) for h in head]
            for r in [head] + rows:
                print("  ".join(str(x).ljust(n) for x, n in zip(r, w)))
        print()

    print("command: %s" % a.cmd)
    for k, v in sorted(commits.items()):
        print("%s at %s" % (k, v))
    print("samples: %d (%d records); records returned: %d\n" % (len(samples), len(cases), len(outs)))
    head = ["source", "rules", "tp cases", "recall", "partial", "collateral loss", "fp cases", "fp loss",
            "fp loss (unkeyed)"]
    rows = []
    for src in sorted(per_src):
        c = per_src[src]
        nrules = len({r for (s, r) in per_rule if s == src})
        rows.append([src, nrules, c["tp"], pct(c["tp"] - c["leak"], c["tp"]), c["partial"],
                     pct(c["collateral"], c["tp"]), c["fp"], pct(c["fp_lost"], c["fp"]),
                     pct(c["fp_lost_unkeyed"], c["fp"] - c["fp_keyed"])])
    table(head, rows)
    print("recall by kind (in scope)")
    table(["source", "kind", "tp cases", "recall"],
          [[s, k, c["tp"], pct(c["tp"] - c["leak"], c["tp"])] for (s, k), c in sorted(per_kind.items())])
    print("recall by context (in scope)")
    table(["source", "context", "tp cases", "recall"],
          [[s, ctx, c["tp"], pct(c["tp"] - c["leak"], c["tp"])] for (s, ctx), c in sorted(per_ctx.items())])
    worst = sorted(((c["leak"] / c["tp"], c["leak"], k) for k, c in per_rule.items()
                    if c["tp"] and c["leak"] and "out of scope" not in k[0]), key=lambda x: (-x[0], -x[1], x[2]))
    print("worst %d rules (in scope) by recall" % a.worst)
    rows = []
    for frac, n, k in worst[:a.worst]:
        c = per_rule[k]
        shapes, seen_ctx = [], set()
        for ctx, smp in leaks_shown[k]:
            if len(shapes) >= 2:
                break
            if smp["secret"] in seen_ctx:
                continue
            seen_ctx.add(smp["secret"])
            shapes.append("%s `%s`" % (ctx, shorten(smp["secret"])))
        rows.append([k[0], k[1], c["tp"], pct(c["tp"] - c["leak"], c["tp"]), "; ".join(shapes)])
    table(["source", "rule", "tp cases", "recall", "leaked (context, shape)"], rows)
    fpw = sorted(((c["fp_lost_unkeyed"], k) for k, c in per_rule.items() if c["fp_lost_unkeyed"]), reverse=True)
    if fpw:
        print("benign strings destroyed (unkeyed fps), by rule")
        table(["source", "rule", "fp cases", "lost"], [[k[0], k[1], per_rule[k]["fp"], n] for n, k in fpw[:20]])
    for src in sorted(per_src):
        c = per_src[src]
        print("summary source=%s recall=%s collateral=%s fp_loss=%s fp_loss_unkeyed=%s" % (
            src.replace(" (out of scope)", "/out"), pct(c["tp"] - c["leak"], c["tp"]), pct(c["collateral"], c["tp"]),
            pct(c["fp_lost"], c["fp"]), pct(c["fp_lost_unkeyed"], c["fp"] - c["fp_keyed"])))
    if a.notes:
        print("extraction notes (%d):" % len(notes))
        for n, k in sorted(collections.Counter(notes).items()):
            print("  %s%s" % (n, " (x%d)" % k if k > 1 else ""))
    else:
        print("extraction notes: %d (see --notes)" % len(notes))


if __name__ == "__main__":
    main()

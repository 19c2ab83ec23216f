"""The ES modules a page loads, read without a JavaScript engine, so that the page can
name them all at once in `<link rel="modulepreload">` hints: on a slow line the
browser then asks for the whole graph in one round trip instead of discovering it
import by import (issue 12; bench/slow_line.py measures it).

A tokenizer of just enough JavaScript (comments, strings, template literals with
their substitutions, regular expressions) for our own modules finds the
`import … from '…'`, `export … from '…'` and `import('…')` of a module
(`imports_of`); `ModuleGraph` resolves them to the files the app serves, given
its static mounts (pde.app.STATIC_MOUNTS, first match wins as in Starlette), and
lists each entry's static imports. Dynamic imports are left out on purpose: they
load what a page needs later (the PDF viewer, the QR encoder). tests/unit/
test_es_modules.py builds the whole graph of the browser code with the same
tokenizer."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

PUNCTUATOR = re.compile(r"=>|\.\.\.|\?\.|[{}()\[\];,.<>+\-*%&|^!~?:=@#]")
IDENTIFIER = re.compile(r"[A-Za-z_$\u00a0-\uffff][\w$\u00a0-\uffff]*")
NUMBER = re.compile(r"\d[\w.]*|\.\d[\w.]*")
# After these a `/` starts a regular expression; after anything else it divides.
REGEX_AFTER_PUNCTUATORS = set("({[;,<>+-*%&|^!~?:=") | {"=>", "..."}
REGEX_AFTER_WORDS = {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void",
                     "throw", "case", "do", "else", "yield", "await"}  # fmt: skip


@dataclass(frozen=True)
class Token:
    kind: str  # "name", "punct", "string", "template" (without ${…}), "computed" (with ${…})
    text: str  # a string's or template's value; the token itself otherwise
    line: int


class Tokenizer:
    """The tokens of a module, without comments and whitespace."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.at = 0
        self.tokens: list[Token] = []

    def line(self) -> int:
        return self.source.count("\n", 0, self.at) + 1

    def error(self, what: str) -> ValueError:
        return ValueError(f"line {self.line()}: {what}")

    def run(self, closing: str | None = None) -> None:
        """Read tokens until the end, or until the `}` that closes a template's `${`."""
        depth = 0
        src = self.source
        while self.at < len(src):
            char = src[self.at]
            if char.isspace():
                self.at += 1
            elif src.startswith("//", self.at):
                end = src.find("\n", self.at)
                self.at = len(src) if end < 0 else end
            elif src.startswith("/*", self.at):
                end = src.find("*/", self.at + 2)
                if end < 0:
                    raise self.error("unclosed comment")
                self.at = end + 2
            elif char in "'\"":
                self.string(char)
            elif char == "`":
                self.template()
            elif char == "/" and self.regex_may_start():
                self.regex()
            elif char == "}" and closing and depth == 0:
                self.at += 1
                return
            elif match := IDENTIFIER.match(src, self.at):
                self.push("name", match.group())
            elif match := NUMBER.match(src, self.at):
                self.push("number", match.group())
            elif char == "/":
                self.push("punct", "/")
            elif match := PUNCTUATOR.match(src, self.at):
                depth += {"{": 1, "}": -1}.get(char, 0)
                self.push("punct", match.group())
            else:
                raise self.error(f"unexpected {char!r}")
        if closing:
            raise self.error("unclosed ${ in a template literal")

    def push(self, kind: str, text: str, length: int | None = None) -> None:
        self.tokens.append(Token(kind, text, self.line()))
        self.at += len(text) if length is None else length

    def regex_may_start(self) -> bool:
        if not self.tokens:
            return True
        last = self.tokens[-1]
        if last.kind == "punct":
            return last.text in REGEX_AFTER_PUNCTUATORS
        return last.kind == "name" and last.text in REGEX_AFTER_WORDS

    def string(self, quote: str) -> None:
        start, src, at = self.at, self.source, self.at + 1
        value: list[str] = []
        while at < len(src) and src[at] != quote:
            if src[at] == "\\":
                value.append(src[at + 1 : at + 2])
                at += 2
            elif src[at] == "\n":
                raise self.error("unclosed string")
            else:
                value.append(src[at])
                at += 1
        if at >= len(src):
            raise self.error("unclosed string")
        self.push("string", "".join(value), at + 1 - start)

    def template(self) -> None:
        src, line = self.source, self.line()
        self.at += 1
        value: list[str] = []
        computed = False
        while True:
            if self.at >= len(src):
                raise self.error("unclosed template literal")
            char = src[self.at]
            if char == "`":
                self.at += 1
                break
            if char == "\\":
                value.append(src[self.at + 1 : self.at + 2])
                self.at += 2
            elif src.startswith("${", self.at):
                self.at += 2
                outer = self.tokens
                self.tokens = []
                self.run(closing="}")  # the substitution's own tokens are not imports
                self.tokens = outer
                value.append("${…}")
                computed = True
            else:
                value.append(char)
                self.at += 1
        kind = "computed" if computed else "template"
        self.tokens.append(Token(kind, "".join(value), line))

    def regex(self) -> None:
        src, at, in_class = self.source, self.at + 1, False
        while at < len(src) and (in_class or src[at] != "/"):
            if src[at] == "\\":
                at += 1
            elif src[at] == "[":
                in_class = True
            elif src[at] == "]":
                in_class = False
            elif src[at] == "\n":
                raise self.error("unclosed regular expression")
            at += 1
        at += 1
        while at < len(src) and (src[at].isalnum()):
            at += 1  # the flags
        self.tokens.append(Token("regex", src[self.at : at], self.line()))
        self.at = at


@dataclass(frozen=True)
class Import:
    specifier: str
    line: int
    dynamic: bool
    computed: bool = False  # import(`…${x}…`): which file is not knowable here


def imports_of(source: str) -> list[Import]:
    """The import and re-export specifiers of a module's source."""
    tokenizer = Tokenizer(source)
    tokenizer.run()
    tokens = tokenizer.tokens
    found: list[Import] = []
    for index, token in enumerate(tokens):
        if token.kind != "name" or token.text not in ("import", "export"):
            continue
        if index and tokens[index - 1].text in (".", "?."):
            continue  # a property named import or export
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is None:
            continue
        if token.text == "import" and following.text == "(":
            argument = tokens[index + 2]
            if argument.kind in ("string", "template"):
                found.append(Import(argument.text, token.line, dynamic=True))
            else:
                found.append(Import(argument.text, token.line, dynamic=True, computed=True))
        elif token.text == "import" and following.kind == "string":
            found.append(Import(following.text, token.line, dynamic=False))
        elif (token.text == "import" and following.text != ".") or (
            token.text == "export" and following.text in ("*", "{")
        ):
            found += _from_clause(tokens, index, token)
    return found


def _from_clause(tokens: list[Token], index: int, keyword: Token) -> list[Import]:
    """The `from '…'` ending the statement that starts at `index`, if it has one."""
    for position in range(index + 1, min(len(tokens) - 1, index + 400)):
        token = tokens[position]
        if token.text == ";" or (token.kind == "name" and token.text in ("import", "export")):
            return []
        if token.kind == "name" and token.text == "from" and tokens[position + 1].kind == "string":
            return [Import(tokens[position + 1].text, keyword.line, dynamic=False)]
    return []


# The graph of a page's modules -------------------------------------------------------

Mounts = Sequence[tuple[str, Path]]


class ModuleGraph:
    """The static imports of the modules served under `mounts` (URL prefix, folder)."""

    def __init__(self, mounts: Mounts) -> None:
        self.mounts = tuple(mounts)

    def file_of(self, url: str) -> Path | None:
        """The file the app serves at `url`: the first mount that matches."""
        for prefix, folder in self.mounts:
            if url.startswith(prefix + "/"):
                path = folder / url.removeprefix(prefix + "/")
                return path if path.is_file() else None
        return None

    def static_imports(self, url: str) -> list[str]:
        """The URLs `url`'s module imports statically, in its order (a path that is
        not on this server, or that finds no file, is left out)."""
        path = self.file_of(url)
        if path is None:
            return []
        try:
            specifiers = imports_of(path.read_text(encoding="utf-8"))
        except (
            ValueError
        ):  # a hint is only a hint: tests/unit/test_es_modules.py reads every module
            return []
        found = []
        for item in specifiers:
            if item.dynamic or not item.specifier.startswith(("/", "./", "../")):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(url), item.specifier))
            if self.file_of(target) is not None:
                found.append(target)
        return found

    def preloads(self, entry: str) -> tuple[str, ...]:
        """Every module `entry` needs before it runs, nearest first, without `entry`."""
        seen = {entry}
        order: list[str] = []
        level = [entry]
        while level:
            following: list[str] = []
            for url in level:
                for target in self.static_imports(url):
                    if target not in seen:
                        seen.add(target)
                        order.append(target)
                        following.append(target)
            level = following
        return tuple(order)


class ModulePreloads:
    """The `<link rel="modulepreload">` lines of each page's entry module, computed
    once for `entries` when the app starts (another entry on first use); none when
    switched off (PDE_MODULE_PRELOAD=false, the baseline of bench/slow_line.py)."""

    def __init__(self, mounts: Mounts, entries: Sequence[str] = (), enabled: bool = True) -> None:
        self.graph = ModuleGraph(mounts)
        self.enabled = enabled
        self._links: dict[str, Markup] = {}
        for entry in entries:
            self.links(entry)

    def links(self, entry: str) -> Markup:
        if not self.enabled:
            return Markup("")
        if entry not in self._links:
            lines = (
                Markup('<link rel="modulepreload" href="{}">').format(url)
                for url in self.graph.preloads(entry)
            )
            self._links[entry] = Markup("\n  ").join(lines)
        return self._links[entry]


@pass_context
def module_preloads(context: Context, entry: str) -> Markup:
    """Jinja global: the preload lines of `entry`, from the app's ModulePreloads
    (`app.state.module_preloads`); nothing when the app has none."""
    request = context.get("request")
    preloads = getattr(getattr(request, "app", None), "state", None)
    found = getattr(preloads, "module_preloads", None)
    return found.links(entry) if isinstance(found, ModulePreloads) else Markup("")

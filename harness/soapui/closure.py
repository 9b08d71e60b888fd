"""Record conditions: the small Groovy closures TK projects pass to ``ContentAssertions.assertForAnyRecord``.

They read a record with ``record.firstElementAt(path)`` (first value or null) and
``record.allElementsAt(path)`` (all values), keep values in local ``def`` variables, and
combine them with ``&&``, ``||``, ``!``, comparisons, ``+`` and ``.size()`` / ``.equals(x)`` /
``.isEmpty()``. Exactly that subset is compiled here (to Python functions, once per text);
loops, other methods and anything else raise ``Unsupported``, and the script stays manual.
Truth follows Groovy: null, "", an empty list and 0 are false.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

_TOKEN = re.compile(
    r"""\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\$]|\\.)*")|(?P<num>\d+)|(?P<op>&&|\|\||==|!=|>=|<=|[!<>+().,])"""
    r"""|(?P<name>[A-Za-z_]\w*))"""
)
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
}


_BINARY: dict[str, Callable[[Any, Any, Any, Any], Any]] = {
    "||": lambda a, b, r, v: truth(a(r, v)) or truth(b(r, v)),
    "&&": lambda a, b, r, v: truth(a(r, v)) and truth(b(r, v)),
    "+": lambda a, b, r, v: a(r, v) + b(r, v),
}


class Unsupported(ValueError):
    """The closure uses something outside the supported subset."""


class RecordView(Protocol):
    """What a condition reads of one record."""

    def first(self, path: str) -> str | None: ...

    def all(self, path: str) -> list[str]: ...


Scope = Mapping[str, Any]
Expr = Callable[[RecordView, dict[str, Any]], Any]


def truth(value: Any) -> bool:
    """Groovy truth."""
    return value is not None and value is not False and value not in ("", 0) and value != []


def _tokens(text: str) -> list[tuple[str, str]]:
    out, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise Unsupported(text[position : position + 30])
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        position = match.end()
    return out


class _Parser:
    """Recursive descent over one expression's tokens."""

    def __init__(self, text: str, names: set[str]) -> None:
        self.tokens = _tokens(text)
        self.index = 0
        self.names = names

    def peek(self) -> str:
        return self.tokens[self.index][1] if self.index < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.index >= len(self.tokens) or (expected is not None and self.peek() != expected):
            raise Unsupported(f"expected {expected or 'more'} at {self.peek()!r}")
        self.index += 1
        return self.tokens[self.index - 1]

    def parse(self) -> Expr:
        expr = self.or_expr()
        if self.index != len(self.tokens):
            raise Unsupported(f"unexpected {self.peek()!r}")
        return expr

    def chain(self, operator: str, operand: Callable[[], Expr]) -> Expr:
        """``operand (operator operand)*``, left-associative; ``&&``/``||`` short-circuit like Groovy."""
        left = operand()
        while self.peek() == operator:
            self.take()
            right, first, join = operand(), left, _BINARY[operator]
            left = lambda r, v, a=first, b=right, j=join: j(a, b, r, v)  # noqa: E731
        return left

    def or_expr(self) -> Expr:
        return self.chain("||", self.and_expr)

    def and_expr(self) -> Expr:
        return self.chain("&&", self.not_expr)

    def not_expr(self) -> Expr:
        if self.peek() == "!":
            self.take()
            inner = self.not_expr()
            return lambda r, v: not truth(inner(r, v))
        return self.compare()

    def compare(self) -> Expr:
        left = self.add()
        if self.peek() in _COMPARE:
            operator = _COMPARE[self.take()[1]]
            right = self.add()
            return lambda r, v: operator(left(r, v), right(r, v))
        return left

    def add(self) -> Expr:
        return self.chain("+", self.postfix)

    def postfix(self) -> Expr:
        expr = self.primary()
        while self.peek() == ".":
            self.take()
            method = self.take()[1]
            args = self.arguments()
            expr = self.method(expr, method, args)
        return expr

    def arguments(self) -> list[Expr]:
        self.take("(")
        args: list[Expr] = []
        while self.peek() != ")":
            args.append(self.or_expr())
            if self.peek() == ",":
                self.take()
        self.take(")")
        return args

    def method(self, target: Expr, name: str, args: list[Expr]) -> Expr:
        if name in ("firstElementAt", "allElementsAt") and len(args) == 1:
            reader = "first" if name == "firstElementAt" else "all"
            path = args[0]
            return lambda r, v: getattr(target(r, v), reader)(path(r, v))
        if name == "size" and not args:
            return lambda r, v: len(target(r, v))
        if name == "isEmpty" and not args:
            return lambda r, v: len(target(r, v)) == 0
        if name == "equals" and len(args) == 1:
            return lambda r, v: target(r, v) == args[0](r, v)
        raise Unsupported(f".{name}()")

    def primary(self) -> Expr:
        kind, text = self.take()
        if kind == "str":
            value = re.sub(r"\\(.)", r"\1", text[1:-1])
            return lambda r, v: value
        if kind == "num":
            number = int(text)
            return lambda r, v: number
        if text == "(":
            inner = self.or_expr()
            self.take(")")
            return inner
        if kind == "name":
            constants = {"null": None, "true": True, "false": False}
            if text in constants:
                constant = constants[text]
                return lambda r, v: constant
            if text == "record":
                return lambda r, v: r
            if text not in self.names:
                raise Unsupported(f"unknown name {text!r}")
            return lambda r, v: v[text]
        raise Unsupported(text)


@dataclass(frozen=True)
class Condition:
    """A compiled ``{ record -> ... }`` closure."""

    text: str
    steps: tuple[tuple[str, Expr], ...]  # ("def", name) pairs are encoded as (name, expr); "" = the result

    def __call__(self, record: RecordView, variables: Scope) -> bool:
        local = dict(variables)
        for name, expr in self.steps:
            value = expr(record, local)
            if not name:
                return truth(value)
            local[name] = value
        return False


_CLOSURE = re.compile(r"\{\s*(\w+)\s*->(.*)\}\s*", re.S)
_DEF = re.compile(r"def\s+(\w+)\s*=\s*(.+)", re.S)
_LOG = re.compile(r"log\.\w+\s*\(?.*\)?", re.S)


def compile_condition(text: str, names: set[str], split: Callable[[str], list[str]]) -> Condition:
    """Compile ``{ record -> body }``; ``names`` are the script's variables it may read."""
    match = _CLOSURE.fullmatch(text.strip())
    if match is None or match.group(1) != "record":
        raise Unsupported("not a { record -> ... } closure")
    known = set(names)
    steps: list[tuple[str, Expr]] = []
    for statement in split(match.group(2)):
        if _LOG.fullmatch(statement):
            continue
        if defined := _DEF.fullmatch(statement):
            steps.append((defined.group(1), _Parser(defined.group(2), known).parse()))
            known.add(defined.group(1))
            continue
        body = statement[len("return ") :] if statement.startswith("return ") else statement
        steps.append(("", _Parser(body, known).parse()))
    if not steps or steps[-1][0]:
        raise Unsupported("the closure returns nothing")
    return Condition(text, tuple(steps))

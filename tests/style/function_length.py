#!/usr/bin/env python3
"""Fails when a function in the given source trees is longer than the limit (default 80 lines).

A function is a brace block opened, outside any other function, after a parameter list: a
heuristic that reads C and C++ as text (comments and strings are blanked first), enough for this
codebase's style. Lambdas count as part of the function that holds them.

    function_length.py [--max N] DIR...
"""
import re
import sys
from pathlib import Path

NOT_FUNCTIONS = re.compile(r'^\s*(namespace|class|struct|union|enum|extern\s+"C")\b')


def blank_comments_and_strings(text):
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(')' + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(c + ' ' * (min(j, n) - i - 1) + (c if j < n else ''))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def functions(path):
    text = blank_comments_and_strings(path.read_text(errors='replace'))
    depth = 0
    function_depth = None
    start_line = 0
    head = ''
    line = 1
    for c in text:
        if c == '\n':
            line += 1
        if c == '{':
            if function_depth is None and ')' in head and not NOT_FUNCTIONS.match(head):
                function_depth = depth
                start_line = line
                name = re.findall(r'([~\w:]+)\s*\(', head)
                current = name[0] if name else '?'
            depth += 1
            head = ''
        elif c == '}':
            depth -= 1
            if function_depth is not None and depth == function_depth:
                yield current, start_line, line
                function_depth = None
            head = ''
        elif c == ';':
            head = ''
        else:
            head += c


def main(argv):
    limit = 80
    if len(argv) > 2 and argv[1] == '--max':
        limit = int(argv[2])
        argv = argv[2:]
    long_ones = []
    for root in argv[1:]:
        for path in sorted(Path(root).rglob('*')):
            if path.suffix not in ('.c', '.cpp', '.h', '.hpp'):
                continue
            for name, first, last in functions(path):
                length = last - first + 1
                if length > limit:
                    long_ones.append(f'{path}:{first}: {name} is {length} lines (limit {limit})')
    for entry in long_ones:
        print(entry)
    if long_ones:
        print(f'FAIL: {len(long_ones)} functions longer than {limit} lines: split them by phase')
        return 1
    print(f'function length: every function in {", ".join(argv[1:])} has at most {limit} lines')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))

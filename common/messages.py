"""New (not in the original course): the .py twins' own lines in English or in French.

The messages are the Rust programs' own (common/locales/en.ftl and fr.ftl, Project Fluent), read
here with the little of Fluent they use: one `id = value` a line, `{ $name }` for an argument,
`{ "text" }` for text kept as written. French where the locale is French (LC_ALL, else
LC_MESSAGES, else LANG, starting with fr) or with --lang fr (usage.Parser adds it); --json is the
same in every language. Runs under Python 2.7 and 3.
"""

import os
import re

LOCALES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locales")
PLACEABLE = re.compile(r'\{\s*(?:\$([A-Za-z_][\w-]*)|"([^"]*)")\s*\}')

_chosen = []
_read = {}


def of_locale(environ=os.environ):
    """The locale's language, POSIX's way: the first of LC_ALL, LC_MESSAGES, LANG set and not
    empty decides."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "fr" if value.startswith("fr") else "en"
    return "en"


def choose(lang=None):
    """Chooses the language: `lang` ("en", "fr") if given, else the locale's."""
    _chosen[:] = [lang or of_locale()]


def current():
    if not _chosen:
        choose()
    return _chosen[0]


def messages(lang):
    """The messages of one language: {id: value}."""
    if lang not in _read:
        table = {}
        with open(os.path.join(LOCALES, lang + ".ftl"), "rb") as source:
            for line in source.read().decode("utf-8").splitlines():
                if line and not line.startswith(("#", " ")) and " = " in line:
                    key, value = line.split(" = ", 1)
                    table[key.strip()] = value.strip()
        _read[lang] = table
    return _read[lang]


def tr(key, **args):
    """Message `key` in the chosen language (English if it lacks it), its arguments filled in."""
    value = messages(current()).get(key) or messages("en").get(key, key)

    def fill(match):
        name, text = match.group(1), match.group(2)
        return text if name is None else u"%s" % (args.get(name, ""),)

    return PLACEABLE.sub(fill, value)


def num(x, decimals):
    """`x` with `decimals` digits after the point, written as the chosen language writes it."""
    text = "%.*f" % (decimals, x)
    return text.replace(".", ",") if current() == "fr" else text

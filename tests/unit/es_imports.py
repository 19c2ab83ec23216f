"""The import specifiers of an ES module, read without a JavaScript engine: the
tokenizer lives in page_kit/es_modules.py, which the app uses for its
modulepreload hints; tests/unit/test_es_modules.py builds the graph of the browser
code with it."""

from page_kit.es_modules import Import, Token, Tokenizer, imports_of

__all__ = ["Import", "Token", "Tokenizer", "imports_of"]

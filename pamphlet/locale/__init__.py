"""What pamphlet knows of languages and writing systems: which way a language is written,
which script a character is in and which fonts draw it (`scripts`).

May import: `diagnostics` only.
"""

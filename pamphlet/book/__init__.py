"""The book before it is laid out: the pamphlet assembled from a spec and its essays
(`assemble`), the layouts it is rendered with, in Jinja's sandbox (`layouts`), and the plain
data the layouts' templates receive (`context`, with its QR codes from `qr`), and the book's
citations formatted and put in place (`cite`, `citeplace`, `citeitems`).

May import: `text`, `project`, `store`, `locale`, `diagnostics`.
"""
